package com.retail.lakehouse.jobs;

import com.retail.lakehouse.common.RunFailure;
import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.JobRunner;
import com.retail.lakehouse.common.cli.StageGraph;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.cli.StageSpec;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.StageLock;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Weekly maintenance of every table of the lake: compacts the small files that daily appends and
 * overwrites leave ({@code OPTIMIZE}), Z-ordered by the columns the gold queries and merges filter
 * on where the table has them, then deletes the files no table version of the retention period
 * needs ({@code VACUUM}, {@code maintenance.retention-hours}, never under 168 hours: time travel
 * and runs still reading an older version need those files). Prints each table's files, size and
 * versions before and after.
 *
 * <p>Maintenance changes files, not rows: its commits are not data changes ({@link Lake#version}),
 * so no stage becomes stale and nothing is republished because of it. Each table is maintained
 * while holding the lock of the stage that writes it, so no stage overwrites it meanwhile.
 */
public final class MaintainJob implements Job {
  private static final Logger LOG = LogManager.getLogger(MaintainJob.class);

  static final StageSpec SPEC =
      StageSpec.stage("maintain", MaintainJob.class)
          .describedAs("compacts (Z-order) and vacuums every table of the lake; weekly")
          .build();

  /**
   * The columns to Z-order each table by: what the gold stage filters silver on (the logical date)
   * and groups by, the keys of the merges, and the columns lookups of the gold tables use. Tables
   * not listed are compacted only.
   */
  static final Map<TableId, List<String>> Z_ORDER =
      Map.of(
          Tables.SILVER_TRANSACTIONS, List.of("transaction_date", "household_id"),
          Tables.SILVER_ORDERS, List.of("order_id"),
          Tables.SILVER_ORDER_LINES, List.of("order_id"),
          Tables.GOLD_CUSTOMER_SUMMARY, List.of("household_id"),
          Tables.GOLD_PRODUCT_PERFORMANCE, List.of("department", "product_id"),
          Tables.GOLD_SALES_BY_DAY_DEPARTMENT, List.of("sales_date", "department"),
          Tables.GOLD_CUSTOMER_RECOMMENDATIONS, List.of("household_id"),
          Tables.GOLD_ASSOCIATION_RULES, List.of("consequent"));

  /** Where the report of each table goes (the local runner prints it; a cluster logs it). */
  private final Consumer<String> report;

  public MaintainJob() {
    this(LOG::info);
  }

  public MaintainJob(Consumer<String> report) {
    this.report = report;
  }

  /** Runs alone, not as a stage of the daily graph: weekly, in a DAG of its own. */
  static final StageGraph GRAPH = StageGraph.of(List.of(new MaintainJob()));

  public static void main(String[] args) {
    JobRunner.run(GRAPH, new MaintainJob(), args);
  }

  @Override
  public StageSpec spec() {
    return SPEC;
  }

  /** A table's files and versions at one moment. */
  record Figures(
      long files, long bytes, long diskFiles, long diskBytes, long version, long versions) {
    @Override
    public String toString() {
      return String.format(
          "%,d files, %s; %,d files on disk, %s; version %d, %d in its history",
          files, size(bytes), diskFiles, size(diskBytes), version, versions);
    }
  }

  @Override
  public StageResult run(SparkSession spark, JobContext ctx) {
    Lake lake = ctx.lake();
    int hours = ctx.settings().maintenance().retentionHours();
    report.accept("maintain: files no version of the last " + hours + " hours needs are vacuumed");
    StageResult.Builder result = new StageResult.Builder();
    for (TableId table : lake.tables(spark)) {
      String stage = Stages.GRAPH.producerOf(table).orElse(null);
      try (StageLock lock = stage == null ? null : lock(spark, ctx, stage)) {
        Figures before = figures(spark, lake, table);
        List<String> zOrder = zOrderColumns(spark, lake, table);
        DeltaTable delta = DeltaTable.forPath(spark, lake.path(table));
        if (zOrder.isEmpty()) {
          delta.optimize().executeCompaction();
        } else {
          delta.optimize().executeZOrderBy(zOrder.toArray(String[]::new));
        }
        delta.vacuum(hours);
        Figures after = figures(spark, lake, table);
        report.accept(
            table
                + (zOrder.isEmpty()
                    ? " (compacted)"
                    : " (Z-ordered by " + String.join(", ", zOrder) + ")")
                + "\n  before: "
                + before
                + "\n  after:  "
                + after);
        result.read(table.toString(), before.files()).written(table.toString(), after.files());
      } catch (RunFailure busy) {
        // its stage is running: the table is maintained next time
        report.accept(table + ": left for next time, " + busy.getMessage());
      }
    }
    return result.build();
  }

  /** The Z-order columns of the table that it has (a schema may change under the list). */
  private static List<String> zOrderColumns(SparkSession spark, Lake lake, TableId table) {
    List<String> wanted = Z_ORDER.getOrDefault(table, List.of());
    List<String> present = List.of(lake.read(spark, table).columns());
    List<String> missing = wanted.stream().filter(c -> !present.contains(c)).toList();
    if (!missing.isEmpty()) {
      LOG.warn("{} has no column {}: compacted without Z-order", table, missing);
      return List.of();
    }
    return wanted;
  }

  /** The lock of the stage that writes the table, for as long as the table is maintained. */
  private static StageLock lock(SparkSession spark, JobContext ctx, String stage) {
    return StageLock.acquire(
        spark.sparkContext().hadoopConfiguration(),
        ctx.lake().root(),
        StageLock.Holder.current(ctx.runId(), stage, ctx.logicalDate().toString()),
        ctx.settings().locks().maxWait(),
        ctx.settings().locks().staleAfter(),
        dead -> LOG.warn("{} held by a dead run ({}), taken over", stage, dead.holder().runId()));
  }

  static Figures figures(SparkSession spark, Lake lake, TableId table) {
    Row detail =
        DeltaTable.forPath(spark, lake.path(table))
            .detail()
            .select("numFiles", "sizeInBytes")
            .first();
    List<Row> history =
        DeltaTable.forPath(spark, lake.path(table))
            .history()
            .selectExpr("max(version)", "count(*)")
            .collectAsList();
    long[] disk = disk(spark, new Path(lake.path(table)));
    return new Figures(
        detail.getLong(0),
        detail.getLong(1),
        disk[0],
        disk[1],
        history.get(0).getLong(0),
        history.get(0).getLong(1));
  }

  /** Data files under the table's directory (its log aside), referenced or not: count, bytes. */
  private static long[] disk(SparkSession spark, Path table) {
    try {
      FileSystem fs = table.getFileSystem(spark.sparkContext().hadoopConfiguration());
      long files = 0;
      long bytes = 0;
      RemoteIterator<LocatedFileStatus> all = fs.listFiles(table, true);
      while (all.hasNext()) {
        LocatedFileStatus f = all.next();
        String relative = table.toUri().relativize(f.getPath().toUri()).getPath();
        if (!relative.startsWith("_delta_log") && f.getPath().getName().endsWith(".parquet")) {
          files++;
          bytes += f.getLen();
        }
      }
      return new long[] {files, bytes};
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + table, e);
    }
  }

  private static String size(long bytes) {
    return bytes < 1 << 20
        ? String.format("%.1f KB", bytes / 1024.0)
        : String.format("%.1f MB", bytes / (1024.0 * 1024));
  }
}
