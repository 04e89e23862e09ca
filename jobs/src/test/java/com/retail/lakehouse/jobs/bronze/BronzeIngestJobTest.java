package com.retail.lakehouse.jobs.bronze;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.jobs.BronzeIngestJob;
import com.retail.lakehouse.jobs.Stages;
import com.retail.lakehouse.jobs.support.TestContexts;
import com.retail.lakehouse.jobs.support.TestSpark;
import com.retail.lakehouse.jobs.support.TinyLanding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BronzeIngestJobTest {
  /** Lines of each tiny source file, header excluded (see {@link TinyLanding}). */
  private static final Map<String, Long> ROWS =
      Map.of(
          "products",
          3L,
          "transactions",
          7L,
          "demographics",
          2L,
          "campaign_descriptions",
          2L,
          "campaigns",
          4L,
          "coupons",
          2L,
          "coupon_redemptions",
          2L,
          "promotions",
          2L);

  private static Map<String, Long> versions(SparkSession spark, Lake lake) {
    Map<String, Long> v = new LinkedHashMap<>();
    Source.COMPLETE_JOURNEY.forEach(
        s -> v.put(s.table(), lake.version(spark, Tables.bronze(s.table()))));
    return v;
  }

  @Test
  void ingestsEveryFileOnceAndOnlyNewFilesLater(@TempDir Path tmp) throws Exception {
    SparkSession spark = TestSpark.get();
    Path landing = Files.createDirectories(tmp.resolve("landing"));
    TinyLanding.write(landing);
    JobContext ctx = TestContexts.local(tmp.resolve("lake"), landing, "2017-03-01");
    Lake lake = ctx.lake();

    StageResult first = Stages.execute(new BronzeIngestJob(), spark, ctx);
    assertFalse(first.upToDate());
    assertEquals(24, first.rowsRead()); // 3 + 7 + 2 + 2 + 4 + 2 + 2 + 2
    assertEquals(24, first.rowsWritten());
    for (Source s : Source.COMPLETE_JOURNEY) {
      assertEquals(
          ROWS.get(s.table()), lake.read(spark, Tables.bronze(s.table())).count(), s.table());
      assertEquals(0L, lake.version(spark, Tables.bronze(s.table())), s.table());
    }

    // the malformed line is kept, raw, with the reason; the others are not flagged
    List<Row> malformed =
        lake.read(spark, Tables.bronze("transactions"))
            .filter(col("_corrupt_record").isNotNull())
            .select("_corrupt_record", "_error", "_source_file", "_batch_id")
            .collectAsList();
    assertEquals(1, malformed.size());
    assertEquals(TinyLanding.MALFORMED, malformed.get(0).getString(0));
    assertEquals(
        "malformed CSV line: cannot be read as the 11 fields of the header",
        malformed.get(0).getString(1));
    assertEquals("transactions.csv.gz", malformed.get(0).getString(2));
    assertEquals("test-run", malformed.get(0).getString(3));
    assertEquals(
        0,
        lake.read(spark, Tables.bronze("transactions"))
            .filter(col("_corrupt_record").isNull().and(col("_error").isNotNull()))
            .count());
    // values stay as read: strings, quotes removed
    Row firstLine =
        lake.read(spark, Tables.bronze("transactions"))
            .filter(col("product_id").equalTo("200"))
            .select("household_id", "quantity", "sales_value", "transaction_timestamp", "_error")
            .first();
    assertEquals("1", firstLine.getString(0));
    assertEquals("2", firstLine.getString(1));
    assertEquals("2", firstLine.getString(2));
    assertEquals("2017-01-28T19:06:53Z", firstLine.getString(3));
    assertNull(firstLine.get(4));

    // a rerun finds nothing new and commits nothing
    Map<String, Long> before = versions(spark, lake);
    StageResult rerun = Stages.execute(new BronzeIngestJob(), spark, ctx);
    assertEquals(0, rerun.rowsRead());
    assertEquals(0, rerun.rowsWritten());
    assertEquals(before, versions(spark, lake));

    // a new transactions file: only its two rows are appended, in one commit
    Files.writeString(
        landing.resolve("transactions_2.csv"),
        String.join(",", Source.COMPLETE_JOURNEY.get(0).columns())
            + "\n"
            + "3,10,2001,100,1,1.00,0,0,0,6,2017-02-01T10:00:00Z\n"
            + "3,10,2001,200,1,2.00,0,0,0,6,2017-02-01T10:00:00Z\n");
    StageResult third = Stages.execute(new BronzeIngestJob(), spark, ctx);
    assertEquals(2, third.rowsRead());
    Map<String, Long> expected = new LinkedHashMap<>(before);
    expected.put("transactions", 1L);
    assertEquals(expected, versions(spark, lake));
    assertEquals(9, lake.read(spark, Tables.bronze("transactions")).count()); // 7 + 2
    assertEquals(
        2,
        lake.read(spark, Tables.bronze("transactions"))
            .filter(col("_source_file").equalTo("transactions_2.csv"))
            .count());

    // one audit row per run
    List<Row> audit =
        lake.read(spark, Tables.OPS_PIPELINE_RUNS)
            .filter(col("stage").equalTo("bronze"))
            .orderBy("started_at")
            .select("status", "rows_read")
            .collectAsList();
    assertEquals(3, audit.size());
    assertEquals("succeeded", audit.get(0).getString(0));
    assertEquals(24L, audit.get(0).getLong(1));
    assertEquals(0L, audit.get(1).getLong(1));
    assertEquals(2L, audit.get(2).getLong(1));
  }

  @Test
  void aMissingSourcesDirectoryIsAUserError(@TempDir Path tmp) {
    JobContext ctx = TestContexts.local(tmp.resolve("lake"), tmp.resolve("missing"), "2017-03-01");
    UserError e =
        assertThrows(
            UserError.class, () -> Stages.execute(new BronzeIngestJob(), TestSpark.get(), ctx));
    assertTrue(e.getMessage().startsWith("sources directory not found: "), e.getMessage());
  }

  @Test
  void anEmptySourcesDirectoryIsAUserError(@TempDir Path tmp) throws Exception {
    Path landing = Files.createDirectories(tmp.resolve("landing"));
    JobContext ctx = TestContexts.local(tmp.resolve("lake"), landing, "2017-03-01");
    UserError e =
        assertThrows(
            UserError.class, () -> Stages.execute(new BronzeIngestJob(), TestSpark.get(), ctx));
    assertTrue(e.getMessage().startsWith("no Complete Journey CSV files in "), e.getMessage());
  }

  @Test
  void aReorderedHeaderIsReadByColumnName(@TempDir Path tmp) throws Exception {
    Path landing = Files.createDirectories(tmp.resolve("landing"));
    TinyLanding.gzip(
        landing.resolve("campaigns.csv.gz"), "\"household_id\",\"campaign_id\"", "7,3");
    JobContext ctx = TestContexts.local(tmp.resolve("lake"), landing, "2017-03-01");
    Stages.execute(new BronzeIngestJob(), TestSpark.get(), ctx);
    Row row =
        ctx.lake()
            .read(TestSpark.get(), Tables.bronze("campaigns"))
            .select("campaign_id", "household_id")
            .first();
    assertEquals("3", row.getString(0));
    assertEquals("7", row.getString(1));
  }
}
