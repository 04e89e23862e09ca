package com.retail.lakehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.RunFailure;
import com.retail.lakehouse.common.audit.RunAudit;
import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.StageLock;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.jobs.support.TestContexts;
import com.retail.lakehouse.jobs.support.TestSpark;
import com.retail.lakehouse.jobs.support.TinyLanding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs that overlap (an Airflow retry beside a manual run, a backfill beside the daily run) and
 * runs that follow a killed one: the stage lock makes the first kind take turns, and the lake reads
 * past what a killed first write leaves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RerunSafetyTest {
  @TempDir static Path dir;
  private final SparkSession spark = TestSpark.get();
  private Path landing;
  private Path silverLake;

  /** One lake with bronze and silver of the tiny landing, copied by the tests that need silver. */
  @BeforeAll
  void silver() throws Exception {
    landing = Files.createDirectories(dir.resolve("landing"));
    TinyLanding.write(landing);
    silverLake = dir.resolve("silver-lake");
    JobContext ctx = context(silverLake, "setup", "2017-02-01", "0s");
    Stages.execute(new BronzeIngestJob(), spark, ctx);
    Stages.execute(new SilverJob(), spark, ctx);
  }

  @Test
  void twoRunsOfAStageAtOnceTakeTurnsOrTheSecondSaysWhoHoldsIt() throws Exception {
    // without waiting: one runs, the other stops with a line naming it
    Path lake = dir.resolve("bronze-no-wait");
    List<Object> outcomes =
        atOnce(
            new BronzeIngestJob(),
            context(lake, "run-a", "2017-02-01", "0s"),
            context(lake, "run-b", "2017-02-01", "0s"));
    List<RunFailure> refused =
        outcomes.stream().filter(RunFailure.class::isInstance).map(RunFailure.class::cast).toList();
    assertEquals(1, refused.size(), outcomes.toString());
    String winner = outcomes.indexOf(refused.get(0)) == 0 ? "run-b" : "run-a";
    assertTrue(
        refused.get(0).getMessage().startsWith("stage bronze is held by run " + winner + " ("),
        refused.get(0).getMessage());
    assertEquals(7, rows(lake, Tables.bronze("transactions")), "ingested once");

    // waiting: both run, one after the other; the second finds nothing new
    Path waited = dir.resolve("bronze-wait");
    List<Object> both =
        atOnce(
            new BronzeIngestJob(),
            context(waited, "run-c", "2017-02-01", "2m"),
            context(waited, "run-d", "2017-02-01", "2m"));
    List<Boolean> upToDate =
        both.stream().map(o -> assertInstanceOf(StageResult.class, o).upToDate()).sorted().toList();
    assertEquals(List.of(false, true), upToDate);
    assertEquals(7, rows(waited, Tables.bronze("transactions")), "no file ingested twice");
    assertEquals(
        List.of("succeeded", "up_to_date"),
        new Lake(waited.toString())
            .read(spark, Tables.OPS_PIPELINE_RUNS)
            .orderBy("status")
            .select("status")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList());
  }

  @Test
  void twoDatesAtOnceGiveTheTablesOfTheTwoInSequence() throws Exception {
    // household 1 bought on 2017-01-28, household 2 on 2017-01-29: the dates see different gold
    Path together = copy(silverLake, dir.resolve("together"));
    Path inSequence = copy(silverLake, dir.resolve("in-sequence"));
    List<Object> outcomes =
        atOnce(
            new GoldJob(),
            context(together, "daily", "2017-01-28", "2m"),
            context(together, "backfill", "2017-02-01", "2m"));
    outcomes.forEach(o -> assertInstanceOf(StageResult.class, o));
    // the order the lock let them through, from the audit
    List<String> order =
        new Lake(together.toString())
                .read(spark, Tables.OPS_PIPELINE_RUNS)
                .filter("stage = 'gold'")
                .orderBy("finished_at")
                .select("logical_date")
                .as(org.apache.spark.sql.Encoders.DATE())
                .collectAsList()
                .stream()
                .map(d -> d.toLocalDate().toString())
                .toList();
    assertEquals(2, order.size());
    for (String date : order) {
      Stages.execute(new GoldJob(), spark, context(inSequence, "seq-" + date, date, "0s"));
    }
    Lake a = new Lake(together.toString());
    Lake b = new Lake(inSequence.toString());
    for (TableId t : GoldJob.OUTPUTS) {
      assertEquals(0, a.read(spark, t).exceptAll(b.read(spark, t)).count(), t.toString());
      assertEquals(0, b.read(spark, t).exceptAll(a.read(spark, t)).count(), t.toString());
    }
    // and the earlier date alone gives other tables (whichever date the lock let through first,
    // the later one's tables are kept), so a backfill overwriting them would have been caught
    Path other = copy(silverLake, dir.resolve("earlier-alone"));
    Stages.execute(new GoldJob(), spark, context(other, "only-earlier", "2017-01-28", "0s"));
    Lake earlier = new Lake(other.toString());
    assertNotEquals(
        0L,
        GoldJob.OUTPUTS.stream()
            .mapToLong(t -> earlier.read(spark, t).exceptAll(a.read(spark, t)).count())
            .sum(),
        "the earlier date alone gives other gold rows than both dates");
  }

  @Test
  void aFirstWriteKilledBeforeItsCommitIsRecreatedByTheNextRun() throws Exception {
    Path lake = copy(silverLake, dir.resolve("killed-first-write"));
    // what a run killed during its first write of the table leaves: data files, an empty log
    Path table = Files.createDirectories(lake.resolve("gold/customer_summary/_delta_log"));
    Files.writeString(
        table.getParent().resolve("part-00000-killed.snappy.parquet"), "not parquet at all");
    Lake l = new Lake(lake.toString());
    assertEquals(List.of(Tables.GOLD_CUSTOMER_SUMMARY), l.uncommitted(spark));
    assertFalse(l.tables(spark).contains(Tables.GOLD_CUSTOMER_SUMMARY));

    StageResult gold =
        Stages.execute(new GoldJob(), spark, context(lake, "rerun", "2017-02-01", "0s"));
    assertFalse(gold.upToDate());
    assertEquals(List.of(), l.uncommitted(spark));
    // the households with a purchase (TinyLanding: 1 and 2), the stray file never read
    assertEquals(
        List.of(1L, 2L),
        l.read(spark, Tables.GOLD_CUSTOMER_SUMMARY)
            .select("household_id")
            .orderBy("household_id")
            .as(org.apache.spark.sql.Encoders.LONG())
            .collectAsList());
  }

  @Test
  void aRunKilledInAStageIsRecordedAsFailedByTheRunThatFindsIt() throws Exception {
    Path lake = copy(silverLake, dir.resolve("killed-run"));
    StageLock.Holder killed =
        new StageLock.Holder(
            "killed-run",
            "gold",
            "2017-02-01",
            "host-a",
            4242,
            java.time.Instant.parse("2026-01-01T10:00:00Z"),
            "nonce");
    RunAudit.recordKilled(
        spark,
        context(lake, "finder", "2017-02-01", "0s"),
        new StageLock.DeadHolder(killed, java.time.Instant.parse("2026-01-01T10:00:30Z")));

    Row r =
        new Lake(lake.toString())
            .read(spark, Tables.OPS_PIPELINE_RUNS)
            .where("run_id = 'killed-run'")
            .selectExpr(
                "stage",
                "status",
                "duration_ms",
                "rows_written",
                "rows_duplicate",
                "error",
                "details",
                "warnings")
            .first();
    assertEquals("gold", r.getString(0));
    assertEquals("failed", r.getString(1));
    assertEquals(30_000L, r.getLong(2));
    assertEquals(0L, r.getLong(3));
    assertEquals(0L, r.getLong(4));
    assertEquals(
        "killed: pid 4242 on host-a ended without finishing the stage"
            + " (last seen 2026-01-01T10:00:30Z); found by run finder",
        r.getString(5));
    assertTrue(r.isNullAt(6) && r.isNullAt(7));
  }

  /** Runs the job with each context at the same moment; each outcome is a result or a failure. */
  private List<Object> atOnce(Job job, JobContext... contexts) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(contexts.length);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Object>> futures = new ArrayList<>();
    for (JobContext ctx : contexts) {
      futures.add(
          pool.submit(
              () -> {
                start.await();
                try {
                  return (Object) Stages.execute(job, spark, ctx);
                } catch (RuntimeException e) {
                  return e;
                }
              }));
    }
    start.countDown();
    List<Object> outcomes = new ArrayList<>();
    for (Future<Object> f : futures) {
      outcomes.add(f.get());
    }
    pool.shutdown();
    return outcomes;
  }

  private JobContext context(Path lake, String runId, String date, String lockWait) {
    JobContext base = TestContexts.local(lake, landing, date, "run.lock-wait=" + lockWait);
    return new JobContext(
        base.settings(), LocalDate.parse(date), runId, false, base.lake(), base.database());
  }

  private long rows(Path lake, TableId table) {
    Dataset<Row> rows = new Lake(lake.toString()).read(spark, table);
    return rows.count();
  }

  private static Path copy(Path from, Path to) throws Exception {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.sorted(Comparator.naturalOrder()).toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }
}
