package com.retail.lakehouse.jobs.generate;

import com.retail.lakehouse.jobs.support.RawSample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The transaction lines of a generated landing directory, read and judged with plain Java, as a
 * route independent of the generator: each line is good or bad in one of the ways silver knows.
 */
final class TransactionFiles {
  /** A good line's figures, as numbers. */
  record Good(long household, long basket, long product, double salesValue, Instant time) {}

  final List<Good> good = new ArrayList<>();
  long lines;
  long malformed;
  long negativeQuantity;
  long unknownProduct;
  long unparseableTimestamp;
  long duplicates;

  static TransactionFiles read(Path dir) {
    Set<Long> catalogue = new HashSet<>();
    for (List<String> p : RawSample.rows(dir.resolve("products.csv.gz"))) {
      catalogue.add(RawSample.wholeNumber(p.get(0)));
    }
    TransactionFiles t = new TransactionFiles();
    Set<List<String>> seen = new HashSet<>();
    for (Path file : dailyFiles(dir)) {
      for (List<String> f : RawSample.rows(file)) {
        t.lines++;
        if (f.size() != 11) {
          t.malformed++;
        } else if (!seen.add(f)) {
          t.duplicates++;
        } else if (Long.parseLong(f.get(4)) < 0) {
          t.negativeQuantity++;
        } else if (!catalogue.contains(Long.parseLong(f.get(3)))) {
          t.unknownProduct++;
        } else {
          try {
            Instant time = Instant.parse(f.get(10));
            t.good.add(
                new Good(
                    Long.parseLong(f.get(0)),
                    Long.parseLong(f.get(2)),
                    Long.parseLong(f.get(3)),
                    Double.parseDouble(f.get(5)),
                    time));
          } catch (DateTimeParseException e) {
            t.unparseableTimestamp++;
          }
        }
      }
    }
    return t;
  }

  long bad() {
    return malformed + negativeQuantity + unknownProduct + unparseableTimestamp + duplicates;
  }

  /** The transactions files of a directory, by name. */
  static List<Path> dailyFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().startsWith("transactions_"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
