package com.retail.lakehouse.common.cli;

import com.retail.lakehouse.common.quality.QualityCheck;
import com.retail.lakehouse.common.quality.TableStat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a stage did: rows read, written, flagged (kept with a warning), quarantined and removed as
 * duplicates, per-table details (for example {@code transactions.quarantined}), the data-quality
 * checks it ran, the state of the tables it wrote, and warnings: what it chose not to do and why
 * (recorded in the audit).
 */
public record StageResult(
    boolean upToDate,
    long rowsRead,
    long rowsWritten,
    long rowsFlagged,
    long rowsQuarantined,
    long rowsDuplicate,
    Map<String, Long> details,
    List<QualityCheck> checks,
    List<TableStat> stats,
    List<String> warnings) {

  public StageResult {
    warnings = List.copyOf(warnings);
  }

  /** A result without warnings. */
  public StageResult(
      boolean upToDate,
      long rowsRead,
      long rowsWritten,
      long rowsFlagged,
      long rowsQuarantined,
      long rowsDuplicate,
      Map<String, Long> details,
      List<QualityCheck> checks,
      List<TableStat> stats) {
    this(
        upToDate,
        rowsRead,
        rowsWritten,
        rowsFlagged,
        rowsQuarantined,
        rowsDuplicate,
        details,
        checks,
        stats,
        List.of());
  }

  /** Nothing written, with warnings. */
  public static StageResult skippedWithWarnings(List<String> warnings) {
    return new StageResult(true, 0, 0, 0, 0, 0, Map.of(), List.of(), List.of(), warnings);
  }

  public static StageResult skipped() {
    return new StageResult(true, 0, 0, 0, 0, 0, Map.of(), List.of(), List.of());
  }

  /**
   * Up to date, with the checks that run even when nothing is new (a source's freshness is worth
   * judging most on a day nothing arrives).
   */
  public static StageResult skipped(List<QualityCheck> checks) {
    return new StageResult(true, 0, 0, 0, 0, 0, Map.of(), List.copyOf(checks), List.of());
  }

  /** Accumulates counts table by table. */
  public static final class Builder {
    private long read;
    private long written;
    private long flagged;
    private long quarantined;
    private long duplicate;
    private final Map<String, Long> details = new LinkedHashMap<>();
    private final List<QualityCheck> checks = new ArrayList<>();
    private final List<TableStat> stats = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    public Builder read(String table, long rows) {
      read += rows;
      details.merge(table + ".read", rows, Long::sum);
      return this;
    }

    public Builder written(String table, long rows) {
      written += rows;
      details.merge(table + ".written", rows, Long::sum);
      return this;
    }

    /** Rows kept with a warning flag: counted among the written rows too. */
    public Builder flagged(String table, long rows) {
      flagged += rows;
      details.merge(table + ".flagged", rows, Long::sum);
      return this;
    }

    public Builder quarantined(String table, long rows) {
      quarantined += rows;
      details.merge(table + ".quarantined", rows, Long::sum);
      return this;
    }

    public Builder duplicates(String table, long rows) {
      duplicate += rows;
      details.merge(table + ".duplicates", rows, Long::sum);
      return this;
    }

    /** Any other per-table figure worth keeping in the audit. */
    public Builder detail(String key, long value) {
      details.put(key, value);
      return this;
    }

    public Builder checks(List<QualityCheck> more) {
      checks.addAll(more);
      return this;
    }

    public Builder stat(TableStat stat) {
      stats.add(stat);
      return this;
    }

    public Builder warn(String warning) {
      warnings.add(warning);
      return this;
    }

    public boolean isEmpty() {
      return details.isEmpty() && stats.isEmpty();
    }

    public StageResult build() {
      return new StageResult(
          false,
          read,
          written,
          flagged,
          quarantined,
          duplicate,
          Map.copyOf(details),
          List.copyOf(checks),
          List.copyOf(stats),
          warnings);
    }
  }
}
