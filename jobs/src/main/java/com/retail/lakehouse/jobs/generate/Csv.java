package com.retail.lakehouse.jobs.generate;

import com.retail.lakehouse.jobs.bronze.Source;
import java.util.stream.Collectors;

/**
 * Lines in the study's CSV dialect (R's {@code write.csv}): ids and text quoted, numbers and dates
 * bare, a missing value an empty field.
 */
final class Csv {
  private Csv() {}

  /** The Complete Journey source feeding the bronze table {@code table}. */
  static Source source(String table) {
    return Source.COMPLETE_JOURNEY.stream()
        .filter(s -> s.table().equals(table))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no source " + table));
  }

  /** The header of a source: its columns, each quoted. */
  static String header(Source source) {
    return source.columns().stream().map(c -> "\"" + c + "\"").collect(Collectors.joining(","));
  }

  /**
   * One line of {@code values}; {@code quoted} says which are written in quotes (null values are
   * written as empty fields either way).
   */
  static String line(String[] values, boolean[] quoted) {
    StringBuilder line = new StringBuilder(16 * values.length);
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        line.append(',');
      }
      if (values[i] != null) {
        if (quoted[i]) {
          line.append('"').append(values[i]).append('"');
        } else {
          line.append(values[i]);
        }
      }
    }
    return line.toString();
  }

  /** Every value quoted. */
  static String quotedLine(String... values) {
    boolean[] quoted = new boolean[values.length];
    java.util.Arrays.fill(quoted, true);
    return line(values, quoted);
  }
}
