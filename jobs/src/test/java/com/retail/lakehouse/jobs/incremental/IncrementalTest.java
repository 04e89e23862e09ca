package com.retail.lakehouse.jobs.incremental;

import static com.retail.lakehouse.jobs.support.Frames.expect;
import static com.retail.lakehouse.jobs.support.Frames.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.jobs.BronzeIngestJob;
import com.retail.lakehouse.jobs.GoldJob;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental runs equal a full recompute: four days of till files delivered one a day, one of them
 * late (after the next day's run), one delivered twice under another name, and a products file that
 * moves a product to another department and brings a product sold before it was in the catalogue.
 * The lake built run by run must equal a lake built in one run from all the files, and a full
 * refresh of it must change nothing.
 *
 * <pre>
 * day         household basket product qty x price   products: 100 GROCERY, 200 PRODUCE,
 * 2017-01-01  1         11     100, 200  2.00, 3.00           300 GROCERY; later 100 -> DELI
 *             2         12     300       2 x 4.00             and 999 (DELI) arrives
 * 2017-01-02  1         21     100       2.00
 *             3         22     200       3.00
 * 2017-01-03  2         31     100, 300  2.00, 4.00  (arrives after the 01-04 run)
 * 2017-01-04  3         41     300, 999  4.00, 1.00  (999 not in the catalogue yet)
 * </pre>
 *
 * As of 2017-01-04: household 1 spent 7.00 in baskets 11 and 21, most in DELI (100: 4.00); 2 spent
 * 14.00 in 12 and 31, most in GROCERY (300: 12.00); 3 spent 8.00 in 22 and 41, most in GROCERY.
 */
class IncrementalTest {
  static final String HEADER =
      "household_id,store_id,basket_id,product_id,quantity,sales_value,retail_disc,coupon_disc,"
          + "coupon_match_disc,week,transaction_timestamp";
  static final String PRODUCTS =
      "product_id,manufacturer_id,department,brand,product_category,product_type,package_size";

  static String line(int household, int basket, int product, int qty, String value, String day) {
    return household
        + ",10,"
        + basket
        + ","
        + product
        + ","
        + qty
        + ","
        + value
        + ",0,0,0,1,"
        + day
        + "T10:00:00Z";
  }

  static void day(Path landing, String name, String... lines) throws Exception {
    Files.writeString(landing.resolve(name), HEADER + "\n" + String.join("\n", lines) + "\n");
  }

  /** The landing of the first day: the tiny dimensions, today's products, the first till file. */
  static void firstDay(Path landing) throws Exception {
    TinyLanding.write(landing);
    Files.delete(landing.resolve("transactions.csv.gz"));
    Files.writeString(
        landing.resolve("products.csv"),
        PRODUCTS
            + "\n100,1,GROCERY,National,SOUP,SOUP CAN,10 OZ\n200,2,PRODUCE,Private,FRUIT,APPLES,1 LB"
            + "\n300,1,GROCERY,National,SOUP,SOUP BOX,\n");
    Files.delete(landing.resolve("products.csv.gz"));
    day(
        landing,
        "transactions_2017-01-01.csv",
        line(1, 11, 100, 1, "2.00", "2017-01-01"),
        line(1, 11, 200, 1, "3.00", "2017-01-01"),
        line(2, 12, 300, 2, "8.00", "2017-01-01"));
  }

  static final String[] DAY2 = {
    line(1, 21, 100, 1, "2.00", "2017-01-02"), line(3, 22, 200, 1, "3.00", "2017-01-02")
  };
  static final String[] DAY3 = {
    line(2, 31, 100, 1, "2.00", "2017-01-03"), line(2, 31, 300, 1, "4.00", "2017-01-03")
  };
  static final String[] DAY4 = {
    line(3, 41, 300, 1, "4.00", "2017-01-04"), line(3, 41, 999, 1, "1.00", "2017-01-04")
  };

  static void laterProducts(Path landing) throws Exception {
    Files.writeString(
        landing.resolve("products_2.csv"),
        PRODUCTS + "\n100,1,DELI,National,SOUP,SOUP CAN,10 OZ\n999,4,DELI,Private,CHEESE,BRIE,\n");
  }

  static final List<Job> STAGES = List.of(new BronzeIngestJob(), new SilverJob(), new GoldJob());

  static void run(SparkSession spark, Path lake, Path landing, String date, String... extra) {
    JobContext ctx = TestContexts.local(lake, landing, date, extra);
    for (Job job : STAGES) {
      Stages.execute(job, spark, ctx);
    }
  }

  static final List<TableId> GOLD =
      List.of(
          Tables.GOLD_CUSTOMER_SUMMARY,
          Tables.GOLD_PRODUCT_PERFORMANCE,
          Tables.GOLD_SALES_BY_DAY_DEPARTMENT,
          Tables.GOLD_SALES_BY_DAY_PRODUCT,
          Tables.GOLD_SALES_BY_BASKET_DEPARTMENT);

  /** Every table's rows, sorted, without the lineage columns (ingest times differ by lake). */
  static Map<TableId, List<List<Object>>> contents(SparkSession spark, Lake lake) {
    Map<TableId, List<List<Object>>> all = new LinkedHashMap<>();
    List<TableId> tables = new ArrayList<>(GOLD);
    tables.addAll(SilverJob.OUTPUTS);
    for (TableId t : tables) {
      Dataset<Row> rows = lake.read(spark, t);
      String[] columns =
          Arrays.stream(rows.columns())
              .filter(c -> !c.startsWith("_"))
              .sorted()
              .toArray(String[]::new);
      rows = rows.selectExpr(columns);
      all.put(t, values(rows.orderBy(rows.columns()[0], rows.columns())));
    }
    return all;
  }

  static Map<TableId, Long> versions(SparkSession spark, Lake lake) {
    Map<TableId, Long> v = new LinkedHashMap<>();
    for (TableId t : lake.tables(spark)) {
      if (!t.layer().equals(Tables.OPS)) {
        v.put(t, lake.version(spark, t));
      }
    }
    return v;
  }

  @Test
  void dayByDayWithALateAndADuplicateFileEqualsOneFullRun(@TempDir Path tmp) throws Exception {
    SparkSession spark = TestSpark.get();
    Path landing = Files.createDirectories(tmp.resolve("landing"));
    Path daily = tmp.resolve("daily");
    firstDay(landing);
    run(spark, daily, landing, "2017-01-01");
    day(landing, "transactions_2017-01-02.csv", DAY2);
    run(spark, daily, landing, "2017-01-02");
    day(landing, "transactions_2017-01-04.csv", DAY4);
    run(spark, daily, landing, "2017-01-04");

    // a rerun of a date changes nothing
    Lake lake = new Lake(daily.toString());
    Map<TableId, Long> before = versions(spark, lake);
    run(spark, daily, landing, "2017-01-04");
    assertEquals(before, versions(spark, lake));

    // the late file, run for its own date: folded in, the as-of date stays 2017-01-04
    day(landing, "transactions_2017-01-03.csv", DAY3);
    run(spark, daily, landing, "2017-01-03");
    // the second day's file delivered again under another name
    day(landing, "transactions_2017-01-02_resent.csv", DAY2);
    run(spark, daily, landing, "2017-01-04");
    laterProducts(landing);
    run(spark, daily, landing, "2017-01-04");

    assertEquals(
        List.of(
            expect(1L, 2L, new BigDecimal("7.00"), Date.valueOf("2017-01-02"), "DELI", 2),
            expect(2L, 2L, new BigDecimal("14.00"), Date.valueOf("2017-01-03"), "GROCERY", 1),
            expect(3L, 2L, new BigDecimal("8.00"), Date.valueOf("2017-01-04"), "GROCERY", 0)),
        values(
            lake.read(spark, Tables.GOLD_CUSTOMER_SUMMARY)
                .orderBy("household_id")
                .select(
                    "household_id",
                    "baskets",
                    "total_spend",
                    "last_purchase",
                    "top_department",
                    "recency_days")));
    // no transaction is still waiting for its product
    assertEquals(
        0L, lake.read(spark, Tables.SILVER_TRANSACTIONS).filter("size(dq_flags) > 0").count());

    Path once = tmp.resolve("once");
    run(spark, once, landing, "2017-01-04");
    Map<TableId, List<List<Object>>> incremental = contents(spark, lake);
    assertEquals(incremental, contents(spark, new Lake(once.toString())));

    // a full refresh of the day-by-day lake recomputes the same tables
    JobContext full = TestContexts.local(daily, landing, "2017-01-04");
    full =
        new JobContext(
            full.settings(), full.logicalDate(), full.runId(), true, full.lake(), full.database());
    for (Job job : STAGES) {
      Stages.execute(job, spark, full);
    }
    assertEquals(incremental, contents(spark, lake));
    assertTrue(incremental.get(Tables.GOLD_SALES_BY_DAY_PRODUCT).size() > 0);
  }
}
