package com.retail.lakehouse.common.quality;

/**
 * One rule as it applies to one table in a run: its severity and the largest share of the table's
 * checked rows that may fail it before the stage stops, whatever the severity (1 = no limit).
 */
public record Expectation(String table, String rule, Severity severity, double maxFailedShare) {
  public Expectation {
    if (!(maxFailedShare >= 0 && maxFailedShare <= 1)) {
      throw new IllegalArgumentException(
          table + "." + rule + ": max-failed-share must be in [0, 1] (got " + maxFailedShare + ")");
    }
  }

  /** The family of the rule: its name up to a colon ({@code missing} for {@code missing:x}). */
  public String family() {
    int colon = rule.indexOf(':');
    return colon < 0 ? rule : rule.substring(0, colon);
  }
}
