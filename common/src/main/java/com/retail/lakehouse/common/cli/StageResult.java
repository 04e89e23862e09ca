package com.retail.lakehouse.common.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a stage did: rows read, written, quarantined and removed as duplicates, plus per-table
 * details (for example {@code transactions.quarantined}).
 */
public record StageResult(
    boolean upToDate,
    long rowsRead,
    long rowsWritten,
    long rowsQuarantined,
    long rowsDuplicate,
    Map<String, Long> details) {

  public static StageResult skipped() {
    return new StageResult(true, 0, 0, 0, 0, Map.of());
  }

  /** Accumulates counts table by table. */
  public static final class Builder {
    private long read;
    private long written;
    private long quarantined;
    private long duplicate;
    private final Map<String, Long> details = new LinkedHashMap<>();

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

    public StageResult build() {
      return new StageResult(false, read, written, quarantined, duplicate, Map.copyOf(details));
    }
  }
}
