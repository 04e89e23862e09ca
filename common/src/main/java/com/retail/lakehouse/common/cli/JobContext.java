package com.retail.lakehouse.common.cli;

import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.lake.Lake;
import java.time.LocalDate;

/** Everything a job needs besides the session: validated settings, the run's identity, the lake. */
public record JobContext(
    Settings settings, LocalDate logicalDate, String runId, boolean force, Lake lake) {

  public static JobContext of(
      Settings settings, LocalDate logicalDate, String runId, boolean force) {
    return new JobContext(settings, logicalDate, runId, force, new Lake(settings.lakeRoot()));
  }
}
