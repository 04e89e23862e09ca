package com.retail.lakehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.audit.RunAudit;
import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.publish.Postgres;
import com.retail.lakehouse.jobs.bronze.Source;
import com.retail.lakehouse.jobs.local.ShopApiSimulator;
import com.retail.lakehouse.jobs.support.RawSample;
import com.retail.lakehouse.jobs.support.TestContexts;
import com.retail.lakehouse.jobs.support.TestDatabase;
import com.retail.lakehouse.jobs.support.TestSpark;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on the shipped sample: gold figures checked against the raw CSV read by plain
 * Java, a rerun that changes nothing, and PostgreSQL equal to the gold tables.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndTest {
  static final String SCHEMA = "e2e_gold";

  Path dir;

  SparkSession spark;
  JobContext ctx;
  Lake lake;
  Postgres db;
  RawSample raw;
  ShopApiSimulator shop;
  Map<String, StageResult> firstRun = new LinkedHashMap<>();

  @BeforeAll
  void runPipelineOnce(@TempDir Path tempDir) {
    dir = tempDir;
    spark = TestSpark.get();
    db = TestDatabase.get();
    shop =
        ShopApiSimulator.withCatalogue(42, TestContexts.sample().resolve("products.csv.gz"), 200)
            .start(0);
    ctx = context();
    lake = ctx.lake();
    raw = RawSample.read(TestContexts.sample());
    for (Job job : Stages.GRAPH.stages()) {
      firstRun.put(job.stage(), Stages.execute(job, spark, ctx));
    }
  }

  @Test
  void everyTransactionLineIsInSilverAndLateProductsAreFlagged() {
    long silver = lake.read(spark, Tables.SILVER_TRANSACTIONS).count();
    long flagged =
        lake.read(spark, Tables.SILVER_TRANSACTIONS)
            .filter("array_contains(dq_flags, 'unknown_product')")
            .count();
    assertEquals(75_000, raw.transactionLines);
    assertEquals(222, raw.linesWithUnknownProduct);
    // every sample line is valid: the 222 whose product is missing from the catalogue are kept
    assertEquals(raw.transactionLines, silver);
    assertEquals(raw.linesWithUnknownProduct, flagged);
    assertEquals(
        0, lake.read(spark, Tables.quarantine("transactions")).count(), "nothing quarantined");
    StageResult s = firstRun.get("silver");
    assertEquals(75_000L, s.details().get("transactions.read"));
    assertEquals(222L, s.details().get("transactions.flagged"));
    for (String source : List.of("transactions", "coupons", "promotions", "campaigns")) {
      assertEquals(
          s.details().get(source + ".read"),
          s.details().get(source + ".written")
              + s.details().get(source + ".quarantined")
              + s.details().get(source + ".duplicates"),
          source + ": read = written + quarantined + duplicates");
    }
    assertEquals(s.rowsRead(), bronzeRows(), "silver reads every bronze row");
  }

  @Test
  void goldFiguresMatchTheRawFiles() {
    List<Row> totals =
        lake.read(spark, Tables.GOLD_CUSTOMER_SUMMARY)
            .selectExpr("count(*)", "sum(baskets)", "sum(total_spend)", "sum(items)")
            .collectAsList();
    // 2,377 households and 47,243 baskets (shared/data/README.md), every line counted
    assertEquals(2_377, raw.spendByHousehold.size());
    assertEquals(47_243, raw.baskets.size());
    assertEquals(raw.spendByHousehold.size(), totals.get(0).getLong(0), "households");
    assertEquals(raw.baskets.size(), totals.get(0).getLong(1), "baskets");
    assertEquals(raw.totalSpend, totals.get(0).getDecimal(2), "total spend to the cent");
    assertEquals(raw.quantity, totals.get(0).getLong(3), "items");

    Row products =
        lake.read(spark, Tables.GOLD_PRODUCT_PERFORMANCE)
            .selectExpr(
                "count(*)",
                "sum(revenue)",
                "sum(quantity)",
                "count_if(department = 'UNKNOWN' AND product_category = 'UNKNOWN')")
            .first();
    assertEquals(raw.basketsByProduct.size(), products.getLong(0), "products sold");
    assertEquals(raw.totalSpend, products.getDecimal(1), "product revenue to the cent");
    assertEquals(raw.quantity, products.getLong(2), "units");
    assertTrue(products.getLong(3) > 0, "products missing from the catalogue are UNKNOWN");
    Row byDay =
        lake.read(spark, Tables.GOLD_SALES_BY_DAY_PRODUCT)
            .selectExpr("sum(revenue)", "count(DISTINCT product_id)")
            .first();
    assertEquals(raw.totalSpend, byDay.getDecimal(0), "sales by day and product to the cent");
    assertEquals(raw.basketsByProduct.size(), byDay.getLong(1));
    assertEquals(
        raw.totalSpend,
        lake.read(spark, Tables.GOLD_SALES_BY_DAY_DEPARTMENT)
            .selectExpr("sum(revenue)")
            .first()
            .getDecimal(0),
        "sales by day and department to the cent");
    Row byBasket =
        lake.read(spark, Tables.GOLD_SALES_BY_BASKET_DEPARTMENT)
            .selectExpr("sum(revenue)", "count(DISTINCT basket_id)", "count(DISTINCT household_id)")
            .first();
    // the first gold run builds each table in full from every transaction line
    assertEquals(
        GoldJob.OUTPUTS.size() * raw.transactionLines,
        firstRun.get("gold").rowsRead(),
        "gold read");
    assertEquals(raw.totalSpend, byBasket.getDecimal(0), "sales by basket to the cent");
    assertEquals(raw.baskets.size(), byBasket.getLong(1), "baskets counted once");
    assertEquals(raw.spendByHousehold.size(), byBasket.getLong(2), "households counted once");

    Row top =
        lake.read(spark, Tables.GOLD_CUSTOMER_SUMMARY)
            .orderBy(org.apache.spark.sql.functions.col("total_spend").desc())
            .first();
    Map.Entry<Long, BigDecimal> expected = raw.topHousehold();
    assertEquals(expected.getKey(), top.<Long>getAs("household_id"));
    assertEquals(expected.getValue(), top.<BigDecimal>getAs("total_spend"));
  }

  @Test
  void productBasketCountsMatchTheRawFiles() {
    Map<Long, Long> expected = new HashMap<>();
    raw.basketsByProduct.forEach((p, b) -> expected.put(p, (long) b.size()));
    Map<Long, Long> actual = new HashMap<>();
    for (Row r :
        lake.read(spark, Tables.GOLD_PRODUCT_PERFORMANCE)
            .select("product_id", "baskets")
            .collectAsList()) {
      actual.put(r.getLong(0), r.getLong(1));
    }
    assertEquals(expected, actual);
  }

  /**
   * The served blend: a recommendation from a rule (it has a lift) is a product the household never
   * bought; one from "buy again" (no lift) is one of its own products.
   */
  @Test
  void ruleRecommendationsAreNewProductsAndBuyAgainOnesAreTheHouseholdsOwn() {
    Row counts =
        spark
            .sql(
                "SELECT count_if(r.lift IS NOT NULL AND b.product_id IS NOT NULL),"
                    + " count_if(r.lift IS NULL AND b.product_id IS NULL),"
                    + " count_if(r.lift IS NOT NULL), count_if(r.lift IS NULL) FROM delta.`"
                    + lake.path(Tables.GOLD_CUSTOMER_RECOMMENDATIONS)
                    + "` r LEFT JOIN (SELECT DISTINCT household_id, product_id FROM delta.`"
                    + lake.path(Tables.SILVER_TRANSACTIONS)
                    + "`) b ON r.household_id = b.household_id AND r.product_id = b.product_id")
            .first();
    assertEquals(0, counts.getLong(0), "rule recommendations already bought");
    assertEquals(0, counts.getLong(1), "buy-again recommendations never bought");
    assertTrue(counts.getLong(2) > 0, "some recommendations come from rules");
    assertTrue(counts.getLong(3) > 0, "some come from the household's own baskets");
    assertTrue(
        lake.read(spark, Tables.GOLD_ASSOCIATION_RULES).count() > 0, "the defaults mine rules");
  }

  @Test
  void postgresHoldsExactlyTheGoldTables() throws SQLException {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      for (TableId table : Tables.GOLD_TABLES) {
        List<String> columns = Arrays.asList(lake.read(spark, table).columns());
        Map<String, Long> delta =
            multiset(
                lake.read(spark, table).collectAsList().stream()
                    .map(r -> canonical(columns.stream().map(r::getAs).toList()))
                    .toList());
        List<String> served = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT * FROM " + SCHEMA + "." + table.name())) {
          while (rs.next()) {
            List<Object> values = new ArrayList<>();
            for (String col : columns) {
              Object v = rs.getObject(col);
              values.add(v instanceof Array a ? Arrays.asList((Object[]) a.getArray()) : v);
            }
            served.add(canonical(values));
          }
        }
        assertEquals(delta, multiset(served), table + " in PostgreSQL");
      }
    }
  }

  @Test
  void aRerunChangesNothing() throws SQLException {
    Map<TableId, Long> versions = new LinkedHashMap<>();
    for (TableId t : lake.tables(spark)) {
      if (!t.layer().equals(Tables.OPS)) {
        versions.put(t, lake.version(spark, t));
      }
    }
    long published = publishLogRows();
    JobContext rerun = context();
    for (Job job : Stages.GRAPH.stages()) {
      assertTrue(Stages.execute(job, spark, rerun).upToDate(), job.stage() + " is up to date");
    }
    for (Map.Entry<TableId, Long> e : versions.entrySet()) {
      assertEquals(e.getValue(), lake.version(spark, e.getKey()), e.getKey() + " unchanged");
    }
    assertEquals(published, publishLogRows(), "nothing republished");
    long upToDate =
        lake.read(spark, Tables.OPS_PIPELINE_RUNS)
            .filter("status = '" + RunAudit.UP_TO_DATE + "'")
            .count();
    assertEquals(Stages.GRAPH.stages().size(), upToDate, "the audit records each up-to-date stage");
  }

  @AfterAll
  void stopShop() {
    shop.close();
  }

  private JobContext context() {
    return TestContexts.local(
            dir.resolve("lake"),
            TestContexts.sample(),
            "2018-01-02",
            "postgres.schema=" + SCHEMA,
            "orders-api.url=" + shop.url())
        .withDatabase(db);
  }

  private long bronzeRows() {
    return Source.COMPLETE_JOURNEY.stream()
        .mapToLong(s -> lake.read(spark, Tables.bronze(s.table())).count())
        .sum();
  }

  private long publishLogRows() throws SQLException {
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM ops.publish_log WHERE table_schema = '"
                    + SCHEMA
                    + "' AND table_name NOT IN ('pipeline_runs', 'quality_checks',"
                    + " 'table_freshness')")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** A row as text that compares equal across Spark and JDBC types. */
  static String canonical(List<?> values) {
    return values.stream().map(EndToEndTest::canonicalValue).collect(Collectors.joining("|"));
  }

  static String canonicalValue(Object v) {
    if (v == null) {
      return "NULL";
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof scala.collection.Seq<?> seq) {
      return canonicalValue(scala.jdk.javaapi.CollectionConverters.asJava(seq));
    }
    if (v instanceof List<?> list) {
      return list.stream()
          .map(EndToEndTest::canonicalValue)
          .collect(Collectors.joining(",", "[", "]"));
    }
    if (v instanceof Integer i) {
      return Long.toString(i);
    }
    return v.toString();
  }

  static Map<String, Long> multiset(List<String> rows) {
    return rows.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
  }
}
