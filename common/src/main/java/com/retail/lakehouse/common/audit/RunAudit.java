package com.retail.lakehouse.common.audit;

import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.lake.Tables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Appends one row per stage run to {@code ops.pipeline_runs}. */
public final class RunAudit {
  private RunAudit() {}

  public static final String SUCCEEDED = "succeeded";
  public static final String UP_TO_DATE = "up_to_date";
  public static final String FAILED = "failed";

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
          .add("error", DataTypes.StringType, true);

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
            error);
    ctx.lake()
        .append(Tables.OPS_PIPELINE_RUNS, spark.createDataFrame(List.of(row), SCHEMA).coalesce(1));
  }
}
