package com.retail.lakehouse.common.audit;

import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.quality.QualityCheck;
import com.retail.lakehouse.common.quality.TableStat;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The quality history: every stage run appends its checks to {@code ops.quality_checks} and the
 * state of the tables it wrote to {@code ops.table_freshness}, beside its audit row. Both are
 * published to PostgreSQL for dashboards.
 */
public final class QualityLog {
  private QualityLog() {}

  public static final StructType CHECKS =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("stage", DataTypes.StringType, false)
          .add("logical_date", DataTypes.DateType, false)
          .add("checked_at", DataTypes.TimestampType, false)
          .add("table_name", DataTypes.StringType, false)
          .add("rule", DataTypes.StringType, false)
          .add("severity", DataTypes.StringType, false)
          .add("action", DataTypes.StringType, false)
          .add("rows_checked", DataTypes.LongType, false)
          .add("rows_failed", DataTypes.LongType, false)
          .add("max_failed_share", DataTypes.DoubleType, false)
          .add("status", DataTypes.StringType, false)
          .add("detail", DataTypes.StringType, true);

  public static final StructType FRESHNESS =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("stage", DataTypes.StringType, false)
          .add("logical_date", DataTypes.DateType, false)
          .add("checked_at", DataTypes.TimestampType, false)
          .add("table_name", DataTypes.StringType, false)
          .add("rows_added", DataTypes.LongType, false)
          .add("row_count", DataTypes.LongType, false)
          .add("newest_event_time", DataTypes.TimestampType, true);

  /** Appends the run's checks and table states (nothing when there are none). */
  public static void record(
      SparkSession spark,
      JobContext ctx,
      String stage,
      Instant at,
      List<QualityCheck> checks,
      List<TableStat> stats) {
    Date date = Date.valueOf(ctx.logicalDate());
    Timestamp when = Timestamp.from(at);
    if (!checks.isEmpty()) {
      List<Row> rows =
          checks.stream()
              .map(
                  c ->
                      RowFactory.create(
                          ctx.runId(),
                          stage,
                          date,
                          when,
                          c.table(),
                          c.rule(),
                          c.severity().label(),
                          c.action(),
                          c.rowsChecked(),
                          c.rowsFailed(),
                          c.maxFailedShare(),
                          c.status(),
                          c.detail()))
              .toList();
      ctx.lake()
          .appendToLog(Tables.OPS_QUALITY_CHECKS, spark.createDataFrame(rows, CHECKS).coalesce(1));
    }
    if (!stats.isEmpty()) {
      List<Row> rows =
          stats.stream()
              .map(
                  s ->
                      RowFactory.create(
                          ctx.runId(),
                          stage,
                          date,
                          when,
                          s.table(),
                          s.rowsAdded(),
                          s.rowCount(),
                          s.newestEventTime() == null ? null : Timestamp.from(s.newestEventTime())))
              .toList();
      ctx.lake()
          .appendToLog(
              Tables.OPS_TABLE_FRESHNESS, spark.createDataFrame(rows, FRESHNESS).coalesce(1));
    }
  }
}
