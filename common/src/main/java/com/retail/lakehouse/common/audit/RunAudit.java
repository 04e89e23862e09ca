package com.retail.lakehouse.common.audit;

import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.lake.StageLock;
import com.retail.lakehouse.common.lake.Tables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Appends one row per stage run to {@code ops.pipeline_runs}: when the stage ends, or, for a run
 * killed in the middle of a stage, when the next run of the stage finds its lock dead.
 */
public final class RunAudit {
  private RunAudit() {}

  public static final String SUCCEEDED = "succeeded";
  public static final String UP_TO_DATE = "up_to_date";
  public static final String FAILED = "failed";

  /** How the error of a run found dead starts. */
  public static final String KILLED = "killed";

  public static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("stage", DataTypes.StringType, false)
          .add("logical_date", DataTypes.DateType, false)
          .add("started_at", DataTypes.TimestampType, false)
          .add("finished_at", DataTypes.TimestampType, false)
          .add("duration_ms", DataTypes.LongType, false)
          .add("status", DataTypes.StringType, false)
          .add("rows_read", DataTypes.LongType, false)
          .add("rows_written", DataTypes.LongType, false)
          .add("rows_flagged", DataTypes.LongType, true)
          .add("rows_quarantined", DataTypes.LongType, false)
          .add("rows_duplicate", DataTypes.LongType, false)
          .add("details", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), true)
          .add("error", DataTypes.StringType, true)
          .add("warnings", DataTypes.createArrayType(DataTypes.StringType), true);

  /** Records a finished stage run; result is null when the stage failed. */
  public static void record(
      SparkSession spark,
      JobContext ctx,
      String stage,
      Instant started,
      Instant finished,
      StageResult result,
      String error) {
    StageResult r = result != null ? result : new StageResult.Builder().build();
    String status = error != null ? FAILED : r.upToDate() ? UP_TO_DATE : SUCCEEDED;
    Row row =
        RowFactory.create(
            ctx.runId(),
            stage,
            Date.valueOf(ctx.logicalDate()),
            Timestamp.from(started),
            Timestamp.from(finished),
            finished.toEpochMilli() - started.toEpochMilli(),
            status,
            r.rowsRead(),
            r.rowsWritten(),
            r.rowsFlagged(),
            r.rowsQuarantined(),
            r.rowsDuplicate(),
            scala.jdk.javaapi.CollectionConverters.asScala(r.details()),
            error,
            scala.jdk.javaapi.CollectionConverters.asScala(r.warnings()).toSeq());
    ctx.lake()
        .appendToLog(
            Tables.OPS_PIPELINE_RUNS, spark.createDataFrame(List.of(row), SCHEMA).coalesce(1));
  }

  /**
   * Records a run that died while it held a stage (killed, its machine lost): failed, from when it
   * took the stage to when it was last seen alive, as found by the context's run.
   */
  public static void recordKilled(SparkSession spark, JobContext ctx, StageLock.DeadHolder dead) {
    StageLock.Holder h = dead.holder();
    Instant lastSeen = dead.lastSeen().isBefore(h.since()) ? h.since() : dead.lastSeen();
    LocalDate date;
    try {
      date = LocalDate.parse(h.logicalDate());
    } catch (java.time.format.DateTimeParseException e) {
      date = ctx.logicalDate();
    }
    Row row =
        RowFactory.create(
            h.runId(),
            h.stage(),
            Date.valueOf(date),
            Timestamp.from(h.since()),
            Timestamp.from(lastSeen),
            lastSeen.toEpochMilli() - h.since().toEpochMilli(),
            FAILED,
            0L, // rows_read
            0L, // rows_written
            0L, // rows_flagged
            0L, // rows_quarantined
            0L, // rows_duplicate
            null, // details
            KILLED
                + ": pid "
                + h.pid()
                + " on "
                + h.machine()
                + " ended without finishing the stage (last seen "
                + lastSeen
                + "); found by run "
                + ctx.runId(),
            null); // warnings
    ctx.lake()
        .appendToLog(
            Tables.OPS_PIPELINE_RUNS, spark.createDataFrame(List.of(row), SCHEMA).coalesce(1));
  }
}
