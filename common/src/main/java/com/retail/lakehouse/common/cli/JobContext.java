package com.retail.lakehouse.common.cli;

import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.publish.Postgres;
import java.time.LocalDate;
import java.util.Optional;

/**
 * Everything a job needs besides the session: validated settings, the run's identity, whether to
 * rebuild from the whole of the inputs ({@code force}: {@code --full-refresh}), the lake, and the
 * serving database when the launcher started one itself (the local runner's embedded server);
 * otherwise stages connect to the configured one.
 */
public record JobContext(
    Settings settings,
    LocalDate logicalDate,
    String runId,
    boolean force,
    Lake lake,
    Optional<Postgres> database) {

  public static JobContext of(
      Settings settings, LocalDate logicalDate, String runId, boolean force) {
    return new JobContext(
        settings, logicalDate, runId, force, new Lake(settings.lakeRoot()), Optional.empty());
  }

  /** The same context, publishing to the given database instead of the configured one. */
  public JobContext withDatabase(Postgres db) {
    return new JobContext(settings, logicalDate, runId, force, lake, Optional.of(db));
  }
}
