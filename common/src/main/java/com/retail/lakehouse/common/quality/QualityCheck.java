package com.retail.lakehouse.common.quality;

/**
 * The outcome of one check of one table in one run, as {@code ops.quality_checks} records it: a
 * rule's failing rows, or a check across runs (freshness, volume, schema drift).
 *
 * @param status {@value #OK}, {@value #WARNING} (rows flagged or quarantined, or a check across
 *     runs outside its band) or {@value #FAILURE} (the stage stopped)
 */
public record QualityCheck(
    String table,
    String rule,
    Severity severity,
    long rowsChecked,
    long rowsFailed,
    double maxFailedShare,
    String status,
    String detail) {

  public static final String OK = "ok";
  public static final String WARNING = "warning";
  public static final String FAILURE = "failure";

  /** The action taken on the failing rows: flagged, quarantined or stopped. */
  public String action() {
    return severity.action();
  }

  public double failedShare() {
    return rowsChecked == 0 ? 0 : (double) rowsFailed / rowsChecked;
  }

  /** Worst first: failure, warning, ok. */
  public int rank() {
    return switch (status) {
      case FAILURE -> 0;
      case WARNING -> 1;
      default -> 2;
    };
  }

  /** One line for logs and errors. */
  public String describe() {
    String base =
        String.format(
            "%s: %s %s %,d of %,d rows (%.2f%%)",
            table, rule, severity.label(), rowsFailed, rowsChecked, 100 * failedShare());
    return detail == null || detail.isEmpty() ? base : base + ": " + detail;
  }
}
