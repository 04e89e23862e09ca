package com.retail.lakehouse.jobs.local.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether two tools computed the same table: both sides sorted by a whole-number key in the first
 * column, compared row by row; the answer is the first difference, in one line. Numbers are equal
 * when their values are ({@code 10.0} and {@code 10.00}), anything else when its text is.
 */
public final class Agreement {
  private Agreement() {}

  /** One side of a comparison: its name (a tool) and its rows, sorted by key. */
  public record Side(String name, Iterator<List<String>> rows) {}

  /**
   * The first difference between two tables with the same {@code columns} (the key first), or empty
   * when every row agrees.
   */
  public static Optional<String> firstDifference(
      String table, List<String> columns, Side left, Side right) {
    List<String> l = next(left.rows());
    List<String> r = next(right.rows());
    while (l != null || r != null) {
      int order = l == null ? 1 : r == null ? -1 : compareKeys(l.get(0), r.get(0));
      if (order < 0) {
        return Optional.of(onlyIn(table, columns, l, left.name(), right.name()));
      }
      if (order > 0) {
        return Optional.of(onlyIn(table, columns, r, right.name(), left.name()));
      }
      for (int i = 1; i < columns.size(); i++) {
        if (!sameValue(l.get(i), r.get(i))) {
          return Optional.of(
              String.format(
                  "%s: %s %s: %s %s %s, %s %s",
                  table,
                  columns.get(0),
                  l.get(0),
                  columns.get(i),
                  left.name(),
                  shown(l.get(i)),
                  right.name(),
                  shown(r.get(i))));
        }
      }
      l = next(left.rows());
      r = next(right.rows());
    }
    return Optional.empty();
  }

  /** The first difference between two counts, or empty when they are equal. */
  public static Optional<String> countDifference(
      String what, long left, String leftName, long right, String rightName) {
    return left == right
        ? Optional.empty()
        : Optional.of(String.format("%s: %s %,d, %s %,d", what, leftName, left, rightName, right));
  }

  private static String shown(String value) {
    return value == null ? "(missing)" : value;
  }

  static boolean sameValue(String a, String b) {
    if (Objects.equals(a, b)) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    try {
      return new BigDecimal(a.trim()).compareTo(new BigDecimal(b.trim())) == 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static int compareKeys(String a, String b) {
    return Long.compare(Long.parseLong(a.trim()), Long.parseLong(b.trim()));
  }

  private static String onlyIn(
      String table, List<String> columns, List<String> row, String in, String notIn) {
    return String.format(
        "%s: %s %s is in the %s result but not in the %s one",
        table, columns.get(0), row.get(0), in, notIn);
  }

  private static List<String> next(Iterator<List<String>> rows) {
    return rows.hasNext() ? rows.next() : null;
  }

  /**
   * The rows of a CSV file with a header and plain values (numbers and dates, no quotes or commas
   * inside a value), read lazily; an empty field is null. Fails when the header is not {@code
   * columns}.
   */
  public static Iterator<List<String>> csvRows(Path file, List<String> columns) {
    try {
      BufferedReader in = Files.newBufferedReader(file);
      String header = in.readLine();
      if (header == null || !split(header).equals(columns)) {
        in.close();
        throw new IllegalStateException(file + ": header " + header + ", expected " + columns);
      }
      return new Iterator<>() {
        private String line = in.readLine();

        @Override
        public boolean hasNext() {
          return line != null;
        }

        @Override
        public List<String> next() {
          if (line == null) {
            throw new NoSuchElementException();
          }
          List<String> row = split(line);
          try {
            line = in.readLine();
            if (line == null) {
              in.close();
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return row;
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static List<String> split(String line) {
    List<String> values = new ArrayList<>();
    for (String v : Arrays.asList(line.split(",", -1))) {
      values.add(v.isEmpty() ? null : v);
    }
    return values;
  }
}
