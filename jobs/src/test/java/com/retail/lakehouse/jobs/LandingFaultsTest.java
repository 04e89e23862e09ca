package com.retail.lakehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.RunFailure;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.jobs.bronze.Source;
import com.retail.lakehouse.jobs.local.Pipeline;
import com.retail.lakehouse.jobs.support.TestContexts;
import com.retail.lakehouse.jobs.support.TestSpark;
import com.retail.lakehouse.jobs.support.TinyLanding;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults outside the process on the way in: a gzip file cut short, a file that vanishes while it is
 * read, a lake that cannot be written. Each gives one clear line, commits nothing of the table
 * concerned, and leaves the other sources ingested.
 */
class LandingFaultsTest {
  private static final String HEADER =
      "\"household_id\",\"store_id\",\"basket_id\",\"product_id\",\"quantity\",\"sales_value\","
          + "\"retail_disc\",\"coupon_disc\",\"coupon_match_disc\",\"week\","
          + "\"transaction_timestamp\"";

  @TempDir Path dir;
  private final SparkSession spark = TestSpark.get();

  @Test
  void aGzipFileCutShortFailsItsSourceAloneAndIsIngestedOnceReplaced() throws Exception {
    Path landing = Files.createDirectories(dir.resolve("landing"));
    TinyLanding.write(landing);
    // a second transactions file of 20,000 lines, then only its first 60 % of bytes kept
    Path whole = dir.resolve("transactions_2017-02.csv.gz");
    TinyLanding.gzip(whole, transactions(20_000));
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = landing.resolve(whole.getFileName());
    Files.write(cut, Arrays.copyOf(bytes, bytes.length * 6 / 10));
    JobContext ctx = TestContexts.local(dir.resolve("lake"), landing, "2017-03-01");

    RunFailure e =
        assertThrows(RunFailure.class, () -> Stages.execute(new BronzeIngestJob(), spark, ctx));
    assertEquals(
        "bronze.transactions not ingested: transactions_2017-02.csv.gz is cut short (Unexpected"
            + " end of input stream): not a complete gzip file; nothing of it was committed, rerun"
            + " when it is fixed (the other sources were ingested)",
        e.getMessage());
    Lake lake = ctx.lake();
    assertFalse(lake.exists(spark, Tables.bronze("transactions")), "nothing half-committed");
    for (Source s : Source.COMPLETE_JOURNEY) {
      if (!s.table().equals("transactions")) {
        assertTrue(lake.exists(spark, Tables.bronze(s.table())), s.table() + " ingested");
      }
    }
    Row audit =
        lake.read(spark, Tables.OPS_PIPELINE_RUNS).select("status", "error").collectAsList().get(0);
    assertEquals("failed", audit.getString(0));
    assertEquals(e.getMessage(), audit.getString(1));

    // the whole file in its place: both transactions files go in, nothing else is touched
    Files.copy(whole, cut, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    long products = lake.version(spark, Tables.bronze("products"));
    StageResult rerun = Stages.execute(new BronzeIngestJob(), spark, ctx);
    assertEquals(7 + 20_000, rerun.rowsWritten());
    assertEquals(7 + 20_000, lake.read(spark, Tables.bronze("transactions")).count());
    assertEquals(products, lake.version(spark, Tables.bronze("products")));
  }

  @Test
  void aFileThatVanishesWhileItIsReadFailsItsSourceAlone() throws Exception {
    Path landing = Files.createDirectories(dir.resolve("landing"));
    TinyLanding.write(landing);
    JobContext ctx = TestContexts.local(dir.resolve("lake"), landing, "2017-03-01");
    BronzeIngestJob job = new BronzeIngestJob();
    // listed, its header checked, then gone before Spark reads it (a clean-up job, a move)
    job.beforeRead =
        (source, files) -> {
          if (source.table().equals("products")) {
            files.forEach(f -> new java.io.File(f.toUri()).delete());
          }
        };
    RunFailure e = assertThrows(RunFailure.class, () -> Stages.execute(job, spark, ctx));
    assertEquals(
        "bronze.products not ingested: products.csv.gz vanished from the landing directory while"
            + " it was read; nothing of it was committed, rerun when it is fixed (the other"
            + " sources were ingested)",
        e.getMessage());
    assertFalse(ctx.lake().exists(spark, Tables.bronze("products")));
    assertEquals(7, ctx.lake().read(spark, Tables.bronze("transactions")).count());
  }

  @Test
  void aLakeThatCannotBeWrittenIsOneLineAndExitCode1() throws Exception {
    Path landing = Files.createDirectories(dir.resolve("landing"));
    TinyLanding.write(landing);
    // a file where the lake's directory should be: no user can write under it, root included
    Path blocked = Files.writeString(dir.resolve("lake"), "not a directory");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new Pipeline(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(
                new String[] {
                  "bronze",
                  "--lake",
                  blocked.resolve("lake").toString(),
                  "--sources",
                  landing.toString()
                });
    String message = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, code, message);
    assertEquals(1, message.lines().count(), message);
    assertTrue(
        message.startsWith("error: bronze failed: cannot write to the lake at " + blocked),
        message);
    assertTrue(message.strip().endsWith("this user may write to it"), message);
    assertEquals("not a directory", Files.readString(blocked));
  }

  /** Valid transaction lines, one basket each. */
  private static String[] transactions(int n) {
    List<String> lines = new ArrayList<>(List.of(HEADER));
    for (int i = 0; i < n; i++) {
      lines.add(
          "\"1\",\"10\",\"" + (50_000 + i) + "\",\"100\",1,1.5,0,0,0,6,\"2017-02-03T10:00:00Z\"");
    }
    return lines.toArray(String[]::new);
  }
}
