package com.retail.lakehouse.jobs.shop;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.from_json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.JobOptions;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.lake.Watermarks;
import com.retail.lakehouse.jobs.local.ShopApiSimulator;
import com.retail.lakehouse.jobs.shop.OrdersApiClient.OrdersApiException;
import com.retail.lakehouse.jobs.support.TestContexts;
import com.retail.lakehouse.jobs.support.TestSpark;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kohsuke.args4j.CmdLineParser;

/** The extraction job against the simulator over loopback, into a lake of its own. */
class ShopOrdersExtractJobTest {
  private static final Duration OVERLAP = Duration.ofMinutes(2);

  /** Just the fields the test reads back from the raw pages. */
  private static final StructType PAGE =
      new StructType()
          .add(
              "orders",
              DataTypes.createArrayType(
                  new StructType()
                      .add("order_id", DataTypes.StringType)
                      .add("updated_at", DataTypes.StringType)));

  @TempDir Path lake;
  private final SparkSession spark = TestSpark.get();
  private final RecordingSleeper sleeper = new RecordingSleeper();
  private ShopApiSimulator sim;

  @BeforeEach
  void start() {
    sim = new ShopApiSimulator(5, List.of("1001", "1002", "1003", "1004", "1005"), 30).start(0);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  /** A context built from the command line, as the job's main would build it. */
  private JobContext context(String runId) throws Exception {
    JobOptions options = new JobOptions();
    new CmdLineParser(options)
        .parseArgument(
            "--lake",
            lake.toString(),
            "--sources",
            TestContexts.sample().toString(),
            "--date",
            "2024-03-01",
            "--run-id",
            runId,
            "--orders-api",
            sim.url(),
            "--set",
            "orders-api.page-size=8",
            "--set",
            "orders-api.overlap=" + OVERLAP.toSeconds() + "s",
            "--set",
            "orders-api.max-tries=3",
            "--set",
            "orders-api.backoff-initial=50ms",
            "--set",
            "orders-api.timeout=2s");
    return options.context();
  }

  private StageResult run(String runId) throws Exception {
    return new OrdersExtractJob(sleeper).run(spark, context(runId));
  }

  private Optional<Instant> watermark() {
    return Watermarks.read(
        spark, new com.retail.lakehouse.common.lake.Lake(lake.toString()), OrdersExtractJob.SOURCE);
  }

  /** order_id@updated_at of every order in the raw pages of one batch, read back with Spark. */
  private List<String> bronzeOrders(String batchId) {
    return spark
        .read()
        .format("delta")
        .load(lake.resolve("bronze/orders_raw").toString())
        .where(col("_batch_id").equalTo(batchId))
        .select(explode(from_json(col("body"), PAGE).getField("orders")).as("o"))
        .selectExpr("concat(o.order_id, '@', o.updated_at)")
        .collectAsList()
        .stream()
        .map(r -> r.getString(0))
        .sorted()
        .toList();
  }

  private long bronzeVersion() {
    return new com.retail.lakehouse.common.lake.Lake(lake.toString())
        .version(spark, Tables.BRONZE_ORDERS_RAW);
  }

  /** What the simulator's own model says an extraction from {@code since} must return. */
  private List<String> expectedSince(Instant since) {
    return sim.shop().orders().stream()
        .filter(o -> !o.updatedAt().isBefore(since))
        .map(o -> o.orderId() + "@" + o.updatedAt())
        .sorted()
        .toList();
  }

  @Test
  void fullThenIncrementalRunFetchExactlyTheNewAndUpdatedOrders() throws Exception {
    StageResult first = run("run-1");
    List<String> all = expectedSince(Instant.EPOCH);
    assertEquals(30, all.size());
    assertEquals(all, bronzeOrders("run-1"));
    assertEquals(30, first.rowsRead());
    assertEquals(4, first.rowsWritten()); // 30 orders at 8 a page
    Instant w1 = sim.shop().now();
    assertEquals(Optional.of(w1), watermark());
    List<Row> pages =
        spark
            .read()
            .format("delta")
            .load(lake.resolve("bronze/orders_raw").toString())
            .orderBy("page_number")
            .collectAsList();
    assertEquals(
        List.of(1, 2, 3, 4),
        pages.stream().map(r -> r.getInt(r.fieldIndex("page_number"))).toList());
    assertFalse(
        pages.get(0).getString(pages.get(0).fieldIndex("request")).contains("updated_since"));

    sim.shop().advance(6, 9);
    Instant since = w1.minus(OVERLAP);
    List<String> expected = expectedSince(since);
    StageResult second = run("run-2");
    assertEquals(expected, bronzeOrders("run-2"));
    // every new order, and every order changed since the first run, is in the second batch
    Set<String> changedOrNew =
        sim.shop().orders().stream()
            .filter(o -> o.updatedAt().isAfter(w1))
            .map(o -> o.orderId() + "@" + o.updatedAt())
            .collect(Collectors.toCollection(TreeSet::new));
    assertTrue(expected.containsAll(changedOrNew));
    assertTrue(changedOrNew.size() >= 6 + 1, "new and updated orders: " + changedOrNew);
    assertEquals(expected.size(), second.rowsRead());
    assertEquals(Optional.of(sim.shop().now()), watermark());
    String request =
        spark
            .read()
            .format("delta")
            .load(lake.resolve("bronze/orders_raw").toString())
            .where("_batch_id = 'run-2' AND page_number = 1")
            .first()
            .getString(1);
    assertTrue(request.contains("updated_since=" + since.toString().replace(":", "%3A")), request);
  }

  @Test
  void triesRunningOutFailTheRunAndKeepTheWatermark() throws Exception {
    run("run-1");
    Instant w1 = sim.shop().now();
    long version = bronzeVersion();
    sim.shop().advance(3, 3);
    sim.faults().failNext(500, 10);
    OrdersApiException e = assertThrows(OrdersApiException.class, () -> run("run-2"));
    assertTrue(e.getMessage().contains("failed after 3 tries (last: HTTP 500)"), e.getMessage());
    assertTrue(e.getMessage().contains("watermark stays at " + w1), e.getMessage());
    assertEquals(Optional.of(w1), watermark());
    assertEquals(version, bronzeVersion());
    assertEquals(List.of(Duration.ofMillis(50), Duration.ofMillis(100)), sleeper.waits());
  }

  @Test
  void pageThatIsNotJsonFailsTheRunAndKeepsTheWatermark() throws Exception {
    run("run-1");
    Instant w1 = sim.shop().now();
    long version = bronzeVersion();
    sim.shop().advance(3, 3);
    sim.faults().corruptNextPage();
    OrdersApiException e = assertThrows(OrdersApiException.class, () -> run("run-2"));
    assertTrue(e.getMessage().contains("is not JSON"), e.getMessage());
    assertTrue(e.getMessage().contains("watermark stays at " + w1), e.getMessage());
    assertEquals(Optional.of(w1), watermark());
    assertEquals(version, bronzeVersion());
  }

  @Test
  void rateLimitsAndSlowPagesAreRiddenOutWithinARun() throws Exception {
    sim.faults().rateLimitNext(1, 3);
    sim.faults().delayNext(Duration.ofSeconds(6));
    StageResult result = run("run-1");
    assertEquals(30, result.rowsRead());
    assertEquals(expectedSince(Instant.EPOCH), bronzeOrders("run-1"));
    assertEquals(List.of(Duration.ofSeconds(3), Duration.ofMillis(100)), sleeper.waits());
  }

  @Test
  void crashBeforeCommitKeepsTheWatermarkAndTheRerunLosesAndDuplicatesNothing() throws Exception {
    run("run-1");
    Instant w1 = sim.shop().now();
    long version = bronzeVersion();
    sim.shop().advance(4, 6);
    List<String> expected = expectedSince(w1.minus(OVERLAP));

    OrdersExtractJob crashing = new OrdersExtractJob(sleeper);
    crashing.beforeCommit =
        () -> {
          throw new IllegalStateException("killed before the commit");
        };
    assertThrows(IllegalStateException.class, () -> crashing.run(spark, context("run-2")));
    assertEquals(Optional.of(w1), watermark());
    assertEquals(version, bronzeVersion());
    assertEquals(List.of(), bronzeOrders("run-2"));

    run("run-2-retry");
    assertEquals(expected, bronzeOrders("run-2-retry"));
    assertEquals(Optional.of(sim.shop().now()), watermark());
    // nothing lost: the current version of every order is in bronze; nothing duplicated: each
    // version is there once, but for the versions of the overlap window refetched on purpose
    List<String> first = bronzeOrders("run-1");
    List<String> rerun = bronzeOrders("run-2-retry");
    Set<String> union = new TreeSet<>(first);
    union.addAll(rerun);
    assertTrue(union.containsAll(expectedSince(Instant.EPOCH)));
    assertEquals(rerun.size(), new TreeSet<>(rerun).size());
    long refetched = rerun.stream().filter(first::contains).count();
    assertEquals(union.size() + refetched, first.size() + rerun.size());
  }

  @Test
  void crashAfterCommitBeforeTheWatermarkIsNotAppendedTwice() throws Exception {
    OrdersExtractJob crashing = new OrdersExtractJob(sleeper);
    crashing.beforeWatermark =
        () -> {
          throw new IllegalStateException("killed after the commit");
        };
    assertThrows(IllegalStateException.class, () -> crashing.run(spark, context("run-1")));
    assertEquals(Optional.empty(), watermark());
    long version = bronzeVersion();
    assertEquals(expectedSince(Instant.EPOCH), bronzeOrders("run-1"));

    StageResult rerun = run("run-1-retry");
    assertTrue(rerun.upToDate(), "Delta skipped the append: nothing new was written");
    assertEquals(version, bronzeVersion());
    assertEquals(List.of(), bronzeOrders("run-1-retry"));
    assertEquals(Optional.of(sim.shop().now()), watermark());
  }
}
