package com.retail.lakehouse.jobs.silver;

import static com.retail.lakehouse.jobs.support.Frames.expect;
import static com.retail.lakehouse.jobs.support.Frames.values;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.jobs.BronzeIngestJob;
import com.retail.lakehouse.jobs.SilverJob;
import com.retail.lakehouse.jobs.Stages;
import com.retail.lakehouse.jobs.support.TestContexts;
import com.retail.lakehouse.jobs.support.TestSpark;
import com.retail.lakehouse.jobs.support.TinyLanding;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Silver over the bronze of {@link TinyLanding}, whose comments give each row's fate under the
 * default severities: 24 rows read, 3 quarantined (transactions 2: a negative quantity and a
 * malformed line; campaign_descriptions 1: ends before it starts), 1 duplicate (transactions); 5
 * kept with a flag (late-arriving dimensions: a transaction and a coupon whose product is unknown,
 * a campaign row whose campaign was quarantined, one whose household is unknown; a promotion in
 * week 54).
 */
class SilverJobTest {
  private static final List<String> SOURCES =
      List.of(
          "products",
          "transactions",
          "demographics",
          "campaign_descriptions",
          "campaigns",
          "coupons",
          "coupon_redemptions",
          "promotions");

  private static Map<String, Long> counts(SparkSession spark, Lake lake, List<TableId> tables) {
    Map<String, Long> c = new LinkedHashMap<>();
    tables.forEach(t -> c.put(t.toString(), lake.read(spark, t).count()));
    return c;
  }

  private static Map<String, Long> versions(SparkSession spark, Lake lake, List<TableId> tables) {
    Map<String, Long> v = new LinkedHashMap<>();
    tables.forEach(t -> v.put(t.toString(), lake.version(spark, t)));
    return v;
  }

  /** The rows of a table flagged with a rule: the table's name, the key column asked for, flags. */
  private static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> flagged(
      SparkSession spark, Lake lake, TableId table, String column, String rule) {
    return lake.read(spark, table)
        .filter(org.apache.spark.sql.functions.array_contains(col("dq_flags"), rule))
        .select(
            lit(table.toString()).as("table"),
            col(column).cast("long").as("key"),
            col("dq_flags").as("flags"));
  }

  /** The lake under tmp with the bronze of {@link TinyLanding}. */
  private static JobContext tinyBronze(SparkSession spark, Path tmp) throws Exception {
    Path landing = Files.createDirectories(tmp.resolve("landing"));
    TinyLanding.write(landing);
    JobContext ctx = TestContexts.local(tmp.resolve("lake"), landing, "2017-03-01");
    Stages.execute(new BronzeIngestJob(), spark, ctx);
    return ctx;
  }

  @Test
  void cleansTinyBronzeAndIsUpToDateOnARerun(@TempDir Path tmp) throws Exception {
    SparkSession spark = TestSpark.get();
    JobContext ctx = tinyBronze(spark, tmp);
    Lake lake = ctx.lake();

    StageResult result = Stages.execute(new SilverJob(), spark, ctx);
    assertEquals(24, result.rowsRead());
    assertEquals(3, result.rowsQuarantined());
    assertEquals(1, result.rowsDuplicate());
    // kept rows 3+4+2+1+4+2+2+2 = 20, plus 3 households (1 and 2 bought, 1 and 3 have demographics)
    assertEquals(23, result.rowsWritten());
    assertEquals(5, result.rowsFlagged());
    assertEquals(7L, result.details().get("transactions.read"));
    assertEquals(4L, result.details().get("transactions.written"));
    assertEquals(1L, result.details().get("transactions.flagged"));
    assertEquals(2L, result.details().get("transactions.quarantined"));
    assertEquals(1L, result.details().get("transactions.duplicates"));

    Map<String, Long> silver = new LinkedHashMap<>();
    silver.put("silver.products", 3L);
    silver.put("silver.transactions", 4L);
    silver.put("silver.households", 3L);
    silver.put("silver.campaigns", 1L);
    silver.put("silver.campaign_households", 4L);
    silver.put("silver.coupons", 2L);
    silver.put("silver.coupon_redemptions", 2L);
    silver.put("silver.promotions", 2L);
    assertEquals(silver, counts(spark, lake, SilverJob.OUTPUTS));

    List<TableId> quarantine = SOURCES.stream().map(Tables::quarantine).toList();
    Map<String, Long> quarantined = new LinkedHashMap<>();
    // a source with nothing to quarantine has no quarantine table yet
    List.of(0L, 2L, 0L, 1L, 0L, 0L, 0L, 0L)
        .forEach(n -> quarantined.put(quarantine.get(quarantined.size()).toString(), n));
    Map<String, Long> actual = new LinkedHashMap<>();
    quarantine.forEach(
        t -> actual.put(t.toString(), lake.exists(spark, t) ? lake.read(spark, t).count() : 0L));
    assertEquals(quarantined, actual);

    assertEquals(
        List.of(
            expect("100", List.of("negative_quantity")),
            // "9,9,9": the reader fills the first three of eleven fields, the rest are missing
            expect(
                null,
                List.of(
                    "malformed_line",
                    "missing:product_id",
                    "missing:quantity",
                    "missing:sales_value",
                    "missing:transaction_timestamp"))),
        values(
            lake.read(spark, Tables.quarantine("transactions"))
                .orderBy(col("_corrupt_record").asc_nulls_first(), col("product_id").desc())
                .select("product_id", "failed_rules")));

    // late-arriving dimensions and a derived field off the calendar: kept, flagged
    assertEquals(
        List.of(
            expect("silver.campaign_households", 9L, List.of("unknown_household")),
            expect("silver.campaign_households", 2L, List.of("unknown_campaign")),
            expect("silver.coupons", 999L, List.of("unknown_product")),
            expect("silver.promotions", 200L, List.of("week_out_of_range")),
            expect("silver.transactions", 999L, List.of("unknown_product"))),
        values(
            flagged(
                    spark,
                    lake,
                    Tables.SILVER_CAMPAIGN_HOUSEHOLDS,
                    "household_id",
                    "unknown_household")
                .union(
                    flagged(
                        spark,
                        lake,
                        Tables.SILVER_CAMPAIGN_HOUSEHOLDS,
                        "campaign_id",
                        "unknown_campaign"))
                .union(flagged(spark, lake, Tables.SILVER_COUPONS, "product_id", "unknown_product"))
                .union(
                    flagged(
                        spark, lake, Tables.SILVER_PROMOTIONS, "product_id", "week_out_of_range"))
                .union(
                    flagged(
                        spark, lake, Tables.SILVER_TRANSACTIONS, "product_id", "unknown_product"))
                .orderBy(col("table"), col("key").desc())));

    assertEquals(
        List.of(
            // 3.865 rounds half-up to 3.87; the timestamp's UTC date
            expect(
                1001L,
                100L,
                1,
                new BigDecimal("3.87"),
                new BigDecimal("0.50"),
                Date.valueOf("2017-01-28")),
            expect(
                1001L,
                200L,
                2,
                new BigDecimal("2.00"),
                new BigDecimal("0.00"),
                Date.valueOf("2017-01-28")),
            expect(
                1002L,
                100L,
                1,
                new BigDecimal("1.00"),
                new BigDecimal("0.00"),
                Date.valueOf("2017-01-29")),
            expect(
                1002L,
                999L,
                1,
                new BigDecimal("1.00"),
                new BigDecimal("0.00"),
                Date.valueOf("2017-01-29"))),
        values(
            lake.read(spark, Tables.SILVER_TRANSACTIONS)
                .orderBy("basket_id", "product_id")
                .select(
                    "basket_id",
                    "product_id",
                    "quantity",
                    "sales_value",
                    "retail_disc",
                    "transaction_date")));
    assertEquals(
        List.of(expect(1L, true, "65+"), expect(2L, false, null), expect(3L, true, "45-54")),
        values(
            lake.read(spark, Tables.SILVER_HOUSEHOLDS)
                .orderBy("household_id")
                .select("household_id", "has_demographics", "age")));

    List<TableId> written = new ArrayList<>(SilverJob.OUTPUTS);
    written.addAll(quarantine.stream().filter(t -> lake.exists(spark, t)).toList());
    Map<String, Long> before = versions(spark, lake, written);
    StageResult rerun = Stages.execute(new SilverJob(), spark, ctx);
    assertTrue(rerun.upToDate());
    assertEquals(before, versions(spark, lake, written));

    assertEquals(
        List.of(
            expect("succeeded", 24L, 23L, 5L, 3L, 1L), expect("up_to_date", 0L, 0L, 0L, 0L, 0L)),
        values(
            lake.read(spark, Tables.OPS_PIPELINE_RUNS)
                .filter(col("stage").equalTo("silver"))
                .orderBy("started_at")
                .select(
                    "status",
                    "rows_read",
                    "rows_written",
                    "rows_flagged",
                    "rows_quarantined",
                    "rows_duplicate")));
  }

  /**
   * A run killed after its silver.transactions commit and before its households and campaign
   * commits (the first silver run: those tables have no commit yet): the next run reads
   * demographics and campaigns again but no transactions, already consumed. Household 2 is only in
   * the transactions (demographics hold 1 and 3), so the campaign row of household 2 must not count
   * as unknown: only household 9's does, as in an undisturbed run.
   */
  @Test
  void aRunKilledBetweenTheTransactionsAndTheHouseholdsCommitsIsCompleted(@TempDir Path tmp)
      throws Exception {
    SparkSession spark = TestSpark.get();
    JobContext ctx = tinyBronze(spark, tmp);
    Lake lake = ctx.lake();
    Stages.execute(new SilverJob(), spark, ctx);
    long transactions = lake.version(spark, Tables.SILVER_TRANSACTIONS);
    for (TableId uncommitted :
        List.of(Tables.SILVER_HOUSEHOLDS, Tables.SILVER_CAMPAIGN_HOUSEHOLDS)) {
      try (var files = Files.walk(Path.of(lake.path(uncommitted)))) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    org.apache.spark.sql.delta.DeltaLog.clearCache();

    Stages.execute(new SilverJob(), spark, ctx);

    assertEquals(transactions, lake.version(spark, Tables.SILVER_TRANSACTIONS));
    assertEquals(
        List.of(1L, 2L, 3L),
        lake
            .read(spark, Tables.SILVER_HOUSEHOLDS)
            .orderBy("household_id")
            .select("household_id")
            .collectAsList()
            .stream()
            .map(r -> r.getLong(0))
            .toList());
    assertEquals(
        List.of(9L),
        flagged(spark, lake, Tables.SILVER_CAMPAIGN_HOUSEHOLDS, "household_id", "unknown_household")
            .select("key")
            .collectAsList()
            .stream()
            .map(r -> r.getLong(0))
            .toList());
  }
}
