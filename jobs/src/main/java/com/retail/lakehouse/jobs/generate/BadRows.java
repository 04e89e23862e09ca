package com.retail.lakehouse.jobs.generate;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The faults of a real till feed, injected into a share of the transaction lines: each bad line is
 * one of five kinds, equally likely. Every kind but the duplicate turns a good line into a bad one;
 * a duplicate writes a good line twice, the copy being the bad line.
 */
final class BadRows {
  private BadRows() {}

  /** The kinds of bad line, with the silver rule each one fails. */
  enum Kind {
    /** The line is cut after six fields: the reader cannot split it into the header's eleven. */
    MALFORMED_LINE("malformed_line"),
    NEGATIVE_QUANTITY("negative_quantity"),
    /** A product id beyond the catalogue's largest. */
    UNKNOWN_PRODUCT("unknown_product"),
    /** The time written the US way ({@code 01/28/2017 19:06:53}), which cannot be parsed. */
    UNPARSEABLE_TIMESTAMP("invalid_timestamp:transaction_timestamp"),
    /** The same line twice: silver keeps one, counted as a duplicate removed. */
    DUPLICATE_LINE(null);

    private final String rule;

    Kind(String rule) {
      this.rule = rule;
    }

    /** The silver rule a line of this kind fails; null for the duplicate, which is deduplicated. */
    String rule() {
      return rule;
    }
  }

  private static final List<Kind> KINDS = List.of(Kind.values());
  private static final List<String> COLUMNS = Csv.source("transactions").columns();
  static final int PRODUCT = COLUMNS.indexOf("product_id");
  static final int QUANTITY = COLUMNS.indexOf("quantity");
  static final int TIMESTAMP = COLUMNS.indexOf("transaction_timestamp");
  private static final int CUT_AFTER = 6;

  /**
   * The chance that a generated line is bad so that, duplicates adding a line, the bad lines are
   * {@code share} of the lines written: a line is bad with chance p and one bad line in five adds a
   * line, so the share is p / (1 + p/5).
   */
  static double lineProbability(double share) {
    return share / (1 - share / KINDS.size());
  }

  /** A kind, each equally likely. */
  static Kind kind(SplittableRandom rng) {
    return KINDS.get(rng.nextInt(KINDS.size()));
  }

  /**
   * The fields of a transaction line made bad in the way of {@code kind} (a copy; the duplicate's
   * fields are unchanged). {@code unknownProduct} is an id that is not in the catalogue.
   */
  static String[] spoil(String[] fields, Kind kind, long unknownProduct) {
    String[] bad = fields.clone();
    switch (kind) {
      case MALFORMED_LINE -> {
        return java.util.Arrays.copyOf(bad, CUT_AFTER);
      }
      case NEGATIVE_QUANTITY ->
          bad[QUANTITY] = "-" + (fields[QUANTITY].equals("0") ? "1" : fields[QUANTITY]);
      case UNKNOWN_PRODUCT -> bad[PRODUCT] = Long.toString(unknownProduct);
      case UNPARSEABLE_TIMESTAMP -> bad[TIMESTAMP] = usStyle(fields[TIMESTAMP]);
      case DUPLICATE_LINE -> {}
    }
    return bad;
  }

  /** {@code 2017-01-28T19:06:53Z} as {@code 01/28/2017 19:06:53}. */
  static String usStyle(String iso) {
    return iso.substring(5, 7)
        + "/"
        + iso.substring(8, 10)
        + "/"
        + iso.substring(0, 4)
        + " "
        + iso.substring(11, 19);
  }
}
