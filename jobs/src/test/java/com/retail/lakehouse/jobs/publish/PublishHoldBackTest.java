package com.retail.lakehouse.jobs.publish;

import static com.retail.lakehouse.jobs.support.Frames.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.jobs.PublishJob;
import com.retail.lakehouse.jobs.Stages;
import com.retail.lakehouse.jobs.recommend.Evaluation;
import com.retail.lakehouse.jobs.recommend.HoldOut;
import com.retail.lakehouse.jobs.support.Frames;
import com.retail.lakehouse.jobs.support.TestContexts;
import com.retail.lakehouse.jobs.support.TestDatabase;
import com.retail.lakehouse.jobs.support.TestSpark;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recommendations whose gate found them worse than the popularity baseline are not published: the
 * previous version stays served and the publish's audit row carries the warning; the next ones that
 * pass are published.
 */
class PublishHoldBackTest {
  private static final String SCHEMA = "hold_back_gold";

  @TempDir Path dir;

  @Test
  void aModelWorseThanTheBaselineLeavesThePreviousRecommendationsServed() throws Exception {
    SparkSession spark = TestSpark.get();
    JobContext ctx =
        TestContexts.local(
                dir.resolve("lake"),
                TestContexts.sample(),
                "2018-01-02",
                "postgres.schema=" + SCHEMA)
            .withDatabase(TestDatabase.get());
    Lake lake = ctx.lake();
    for (PublishGoldTablesTest.Gold g : PublishGoldTablesTest.gold()) {
      lake.replace(
          new com.retail.lakehouse.common.lake.TableId("gold", g.table()),
          Frames.of(g.ddl(), g.rows()),
          "first");
    }
    lake.replace(
        Tables.GOLD_SALES_BY_DAY_PRODUCT,
        Frames.of(
            "sales_date DATE, product_id BIGINT, department STRING, product_category STRING,"
                + " product_type STRING, baskets BIGINT, households BIGINT, quantity BIGINT,"
                + " revenue DECIMAL(12,2), discounts DECIMAL(12,2)",
            new Object[] {
              java.sql.Date.valueOf("2017-01-01"),
              1004906L,
              "PRODUCE",
              "POTATOES",
              "RUSSET",
              1L,
              1L,
              2L,
              new java.math.BigDecimal("3.98"),
              new java.math.BigDecimal("0.00")
            }),
        "first");
    lake.replace(
        Tables.GOLD_SALES_BY_BASKET_DEPARTMENT,
        Frames.of(
            "sales_date DATE, basket_id BIGINT, department STRING, household_id BIGINT,"
                + " quantity BIGINT, revenue DECIMAL(12,2), discounts DECIMAL(12,2)",
            new Object[] {
              java.sql.Date.valueOf("2017-01-01"),
              26984851472L,
              "PRODUCE",
              1L,
              2L,
              new java.math.BigDecimal("3.98"),
              new java.math.BigDecimal("0.00")
            }),
        "first");
    Stages.execute(new PublishJob(), spark, ctx);
    assertEquals(List.of("1|1|1004906", "1|2|null", "2|1|26190", "2|2|1"), served());

    // new recommendations, judged worse than the baseline by the gate of the run that wrote them
    writeRecommendations(lake, "second", 777L);
    judge(lake, "second", HoldOut.HOLD_BACK);
    judge(lake, "first", HoldOut.PUBLISH); // another fingerprint's verdict does not count
    StageResult held = Stages.execute(new PublishJob(), spark, ctx);
    assertEquals(List.of("1|1|1004906", "1|2|null", "2|1|26190", "2|2|1"), served());
    assertEquals(1, held.warnings().size(), held.toString());
    assertTrue(
        held.warnings().get(0).startsWith("customer_recommendations held back: model rules has"),
        held.warnings().get(0));
    List<Row> audit =
        lake.read(spark, Tables.OPS_PIPELINE_RUNS)
            .filter("stage = 'publish'")
            .orderBy(org.apache.spark.sql.functions.col("finished_at").desc())
            .select("warnings")
            .limit(1)
            .collectAsList();
    assertEquals(held.warnings(), audit.get(0).getList(0), "the warning is in the audit");

    // the next recommendations pass their gate: published
    writeRecommendations(lake, "third", 888L);
    judge(lake, "third", HoldOut.PUBLISH);
    StageResult published = Stages.execute(new PublishJob(), spark, ctx);
    assertEquals(List.of(), published.warnings());
    assertEquals(List.of("5|1|888"), served());
  }

  private static void writeRecommendations(Lake lake, String fingerprint, long product) {
    lake.replace(
        Tables.GOLD_CUSTOMER_RECOMMENDATIONS,
        Frames.of(
            "household_id BIGINT, rank INT, product_id BIGINT, item STRING, score DOUBLE,"
                + " lift DOUBLE, because ARRAY<STRING>",
            row(5L, 1, product, "X", 0.5, 2.0, List.of("Y"))),
        fingerprint);
  }

  /** The gate's rows: the shipped model (rules) MAP 0.01 against the baseline's 0.02 or 0.005. */
  private static void judge(Lake lake, String fingerprint, String verdict) {
    double rulesMap = 0.01;
    double baselineMap = verdict.equals(HoldOut.HOLD_BACK) ? 0.02 : 0.005;
    List<HoldOut.Result> results =
        List.of(
            new HoldOut.Result("rules", new Evaluation.Metrics(10, 0.1, 0.1, rulesMap, 0.1), 1),
            new HoldOut.Result(
                "popular", new Evaluation.Metrics(10, 0.1, 0.1, baselineMap, 0.1), 1));
    lake.append(
        Tables.OPS_RECOMMENDATION_EVALUATIONS,
        HoldOut.rows(
            TestSpark.get(),
            results,
            "test",
            "gate",
            LocalDate.parse("2018-01-02"),
            com.retail.lakehouse.common.config.ConfigLoader.load("local", null, List.of())
                .recommendations(),
            new HoldOut.Judged(
                "rules", fingerprint, "rules-fingerprint", LocalDate.parse("2017-12-05"))));
  }

  private static List<String> served() throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = TestDatabase.get().connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT household_id, rank, product_id FROM "
                    + SCHEMA
                    + ".customer_recommendations ORDER BY household_id, rank")) {
      while (rs.next()) {
        rows.add(rs.getLong(1) + "|" + rs.getInt(2) + "|" + rs.getObject(3));
      }
    }
    return rows;
  }
}
