package com.retail.lakehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.jobs.local.Pipeline;
import com.retail.lakehouse.jobs.support.TestContexts;
import com.retail.lakehouse.jobs.support.TestDatabase;
import com.retail.lakehouse.jobs.support.TestSpark;
import com.retail.lakehouse.jobs.support.TinyLanding;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/pipeline maintain}: fewer files, the same rows, nothing stale because of it. The tests
 * share one lake: the tiny landing through every stage, then a second day's file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaintainJobTest {
  private static final String DATE = "2017-02-01";
  private final SparkSession spark = TestSpark.get();
  private final List<Job> stages =
      List.of(
          new BronzeIngestJob(),
          new SilverJob(),
          new GoldJob(),
          new RecommendationsJob(),
          new PublishJob());
  @TempDir static Path dir;
  private Path landing;
  private Path lakeDir;
  private JobContext ctx;

  @BeforeAll
  void runEveryStageOnTwoDays() throws Exception {
    landing = Files.createDirectories(dir.resolve("landing"));
    TinyLanding.write(landing);
    lakeDir = dir.resolve("lake");
    ctx = context(lakeDir, landing);
    for (Job job : stages) {
      Stages.execute(job, spark, ctx);
    }
    // a second day's file: bronze.transactions now has two small files
    TinyLanding.gzip(
        landing.resolve("transactions_2.csv.gz"),
        header(),
        "\"3\",\"10\",\"1004\",\"200\",1,2,0,0,0,5,\"2017-01-30T10:00:00Z\"");
    for (Job job : stages) {
      Stages.execute(job, spark, ctx);
    }
  }

  @Test
  void compactsAndVacuumsEveryTableWithoutChangingARowOrMakingAStageStale() throws Exception {
    Lake lake = ctx.lake();
    // what a killed first write left, a week and more ago: a file no version refers to
    Path orphan = Path.of(lake.path(Tables.GOLD_CUSTOMER_SUMMARY), "part-00009-killed.parquet");
    Files.writeString(orphan, "left by a killed write");
    Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofDays(8))));

    Map<TableId, Long> rows = new LinkedHashMap<>();
    Map<TableId, MaintainJob.Figures> before = new LinkedHashMap<>();
    for (TableId t : lake.tables(spark)) {
      rows.put(t, lake.read(spark, t).count());
      before.put(t, MaintainJob.figures(spark, lake, t));
    }
    assertEquals(2, before.get(Tables.bronze("transactions")).files());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new Pipeline(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(
                new String[] {
                  "maintain", "--lake", lakeDir.toString(), "--sources", landing.toString()
                });
    String report = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    assertTrue(
        report.contains("gold.customer_summary (Z-ordered by household_id)\n  before: "), report);
    assertTrue(report.contains("bronze.promotions (compacted)\n  before: "), report);

    for (TableId t : before.keySet()) {
      if (t.equals(Tables.OPS_PIPELINE_RUNS)) {
        continue; // the maintenance run's own audit row went in
      }
      MaintainJob.Figures after = MaintainJob.figures(spark, lake, t);
      assertEquals(rows.get(t), lake.read(spark, t).count(), t + ": the same rows");
      assertTrue(after.files() <= before.get(t).files(), t + ": " + before.get(t) + " / " + after);
      assertTrue(report.contains(t + " ("), t + " is in the report");
    }
    assertEquals(1, MaintainJob.figures(spark, lake, Tables.bronze("transactions")).files());
    assertFalse(Files.exists(orphan), "the orphan file is vacuumed");

    // maintenance changed files, not data: every stage is up to date, nothing republished
    for (Job job : stages) {
      assertTrue(Stages.execute(job, spark, ctx).upToDate(), job.stage() + " is up to date");
    }
  }

  @Test
  void everyZOrderColumnIsAColumnOfItsTable() {
    // the gold and silver tables of the tiny landing (compaction keeps the columns); the order
    // tables, which the tiny landing does not make, are Z-ordered by order_id
    int checked = 0;
    for (Map.Entry<TableId, List<String>> z : MaintainJob.Z_ORDER.entrySet()) {
      if (ctx.lake().exists(spark, z.getKey())) {
        List<String> columns = List.of(ctx.lake().read(spark, z.getKey()).columns());
        assertTrue(columns.containsAll(z.getValue()), z.getKey() + " has " + columns);
        checked++;
      }
    }
    assertEquals(6, checked);
  }

  @Test
  void aRetentionUnderSevenDaysIsRefusedBeforeAnythingRuns() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new Pipeline(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(new String[] {"maintain", "--set", "maintenance.retention-hours=24"});
    assertEquals(2, code);
    assertTrue(
        err.toString(StandardCharsets.UTF_8)
            .startsWith("error: configuration: maintenance.retention-hours must be at least 168"),
        err.toString(StandardCharsets.UTF_8));
  }

  /**
   * The second day republishes the tables it changed by their changes, as tables of 500,000 rows
   * and more are (the tiny ones would go whole): compaction must leave them up to date too.
   */
  private static JobContext context(Path lake, Path landing) {
    return TestContexts.local(
            lake,
            landing,
            DATE,
            "postgres.schema=maintain_test",
            "postgres.publish-changes-min-rows=0")
        .withDatabase(TestDatabase.get());
  }

  private static String header() {
    return "\"household_id\",\"store_id\",\"basket_id\",\"product_id\",\"quantity\","
        + "\"sales_value\",\"retail_disc\",\"coupon_disc\",\"coupon_match_disc\",\"week\","
        + "\"transaction_timestamp\"";
  }
}
