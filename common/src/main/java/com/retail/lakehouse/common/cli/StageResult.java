package com.retail.lakehouse.common.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a stage did: rows read, written, quarantined and removed as duplicates, plus per-table
 * details (for example {@code transactions.quarantined}), and warnings: what the stage chose not to
 * do and why (recorded in the audit).
 */
public record StageResult(
    boolean upToDate,
    long rowsRead,
    long rowsWritten,
    long rowsQuarantined,
    long rowsDuplicate,
    Map<String, Long> details,
    List<String> warnings) {

  public StageResult {
    details = Map.copyOf(details);
    warnings = List.copyOf(warnings);
  }

  /** A result without warnings. */
  public StageResult(
      boolean upToDate,
      long rowsRead,
      long rowsWritten,
      long rowsQuarantined,
      long rowsDuplicate,
      Map<String, Long> details) {
    this(upToDate, rowsRead, rowsWritten, rowsQuarantined, rowsDuplicate, details, List.of());
  }

  public static StageResult skipped() {
    return new StageResult(true, 0, 0, 0, 0, Map.of());
  }

  /** Nothing written, with warnings. */
  public static StageResult skipped(List<String> warnings) {
    return new StageResult(true, 0, 0, 0, 0, Map.of(), warnings);
  }

  /** Accumulates counts table by table. */
  public static final class Builder {
    private long read;
    private long written;
    private long quarantined;
    private long duplicate;
    private final Map<String, Long> details = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();

    public Builder read(String table, long rows) {
      read += rows;
      details.put(table + ".read", rows);
      return this;
    }

    public Builder written(String table, long rows) {
      written += rows;
      details.put(table + ".written", rows);
      return this;
    }

    public Builder quarantined(String table, long rows) {
      quarantined += rows;
      details.put(table + ".quarantined", rows);
      return this;
    }

    public Builder duplicates(String table, long rows) {
      duplicate += rows;
      details.put(table + ".duplicates", rows);
      return this;
    }

    /** A detail that is not a row count (for example the minimum support used, in baskets). */
    public Builder detail(String key, long value) {
      details.put(key, value);
      return this;
    }

    public Builder warn(String warning) {
      warnings.add(warning);
      return this;
    }

    public StageResult build() {
      return new StageResult(false, read, written, quarantined, duplicate, details, warnings);
    }
  }
}
