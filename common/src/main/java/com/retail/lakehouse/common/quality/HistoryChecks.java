package com.retail.lakehouse.common.quality;

import com.retail.lakehouse.common.config.QualitySettings;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks across runs, as pure functions of the figures: freshness of a table's newest event
 * against the logical date, and volume of a run's new rows against the median of earlier runs.
 */
public final class HistoryChecks {
  private HistoryChecks() {}

  public static final String FRESHNESS = "freshness";
  public static final String VOLUME = "volume";

  /** The newest event more than the configured days before the logical date is reported. */
  public static QualityCheck freshness(
      String table, Instant newest, LocalDate logicalDate, QualitySettings.Freshness conf) {
    if (newest == null) {
      return new QualityCheck(
          table, FRESHNESS, conf.severity(), 0, 0, 1, QualityCheck.WARNING, "the table is empty");
    }
    LocalDate newestDate = newest.atOffset(ZoneOffset.UTC).toLocalDate();
    long age = ChronoUnit.DAYS.between(newestDate, logicalDate);
    boolean stale = age > conf.maxAgeDays();
    String detail =
        String.format(
            "newest event %s, %d days before the logical date %s (at most %d)",
            newest, age, logicalDate, conf.maxAgeDays());
    return new QualityCheck(
        table,
        FRESHNESS,
        conf.severity(),
        1,
        stale ? 1 : 0,
        1,
        !stale ? QualityCheck.OK : failsOn(conf.severity()),
        detail);
  }

  /**
   * The run's new rows against the median of the earlier runs that brought rows (newest last); no
   * judgement before {@code minRuns} of them.
   */
  public static QualityCheck volume(
      String table, long rowsAdded, List<Long> earlier, QualitySettings.Volume conf) {
    List<Long> recent = new ArrayList<>(earlier.stream().filter(n -> n > 0).toList());
    if (recent.size() > conf.runs()) {
      recent = recent.subList(recent.size() - conf.runs(), recent.size());
    }
    if (recent.size() < conf.minRuns()) {
      return new QualityCheck(
          table,
          VOLUME,
          conf.severity(),
          rowsAdded,
          0,
          1,
          QualityCheck.OK,
          String.format(
              "%,d new rows; %d earlier runs, %d needed to judge",
              rowsAdded, recent.size(), conf.minRuns()));
    }
    double median = median(recent);
    double low = conf.low() * median;
    double high = conf.high() * median;
    boolean outside = rowsAdded < low || rowsAdded > high;
    return new QualityCheck(
        table,
        VOLUME,
        conf.severity(),
        rowsAdded,
        outside ? rowsAdded : 0,
        1,
        outside ? failsOn(conf.severity()) : QualityCheck.OK,
        String.format(
            "%,d new rows; median of the last %d runs %,.0f, expected %,.0f to %,.0f",
            rowsAdded, recent.size(), median, low, high));
  }

  static double median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }

  private static String failsOn(Severity severity) {
    return severity == Severity.FAIL ? QualityCheck.FAILURE : QualityCheck.WARNING;
  }
}
