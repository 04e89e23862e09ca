package com.retail.lakehouse.jobs.incremental;

import static com.retail.lakehouse.jobs.incremental.IncrementalTest.PRODUCTS;
import static com.retail.lakehouse.jobs.incremental.IncrementalTest.day;
import static com.retail.lakehouse.jobs.incremental.IncrementalTest.line;
import static com.retail.lakehouse.jobs.support.Frames.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.jobs.BronzeIngestJob;
import com.retail.lakehouse.jobs.RecommendationsJob;
import com.retail.lakehouse.jobs.SilverJob;
import com.retail.lakehouse.jobs.Stages;
import com.retail.lakehouse.jobs.support.TestContexts;
import com.retail.lakehouse.jobs.support.TestSpark;
import com.retail.lakehouse.jobs.support.TinyLanding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Between two minings a day's run scores again only the households that shopped, and gives the
 * lists a scoring of every household gives. Rules are mined for 2017-01-05 (cut-off 2017-01-04, one
 * day held out) at product type level from six baskets:
 *
 * <pre>
 * household basket day    products (type)
 * 1         11     01-01  100 (SOUP CAN), 200 (APPLES)
 * 2         12     01-01  100, 200
 * 3         13     01-02  100, 200, 300 (SOUP BOX)
 * 4         14     01-02  200, 400 (PEARS)
 * 5         15     01-02  100
 * 6         16     01-02  300, 400
 * </pre>
 *
 * With at least 2 baskets: SOUP CAN => APPLES and APPLES => SOUP CAN (3 of 4 baskets, lift 0.75 /
 * (4/6) = 1.125). On 2017-01-06 household 5 buys 200 and 300, and household 7 comes with 100. The
 * blend gives one place to "buy again", then the rules: household 7 gets 100, then 200 (the APPLES
 * its SOUP CAN leads to); household 5 has both rules' consequents in its recent baskets, so its own
 * 100, 200 and 300 (each in 1 of its 2 baskets). Then a late file dated before the cut-off (a SOUP
 * CAN for household 6) makes the next run score every household: 6 gets 100, 200 and 300.
 */
class RecommendationsScoringTest {
  static final String[] SETTINGS = {
    "recommendations.min-support=2 baskets",
    "recommendations.holdout-days=1",
    "recommendations.top-n=3",
    "recommendations.blend-buy-again-slots=1"
  };

  static final List<Job> STAGES =
      List.of(new BronzeIngestJob(), new SilverJob(), new RecommendationsJob());

  @Test
  void aDayBetweenMiningsScoresTheHouseholdsThatShoppedAndEqualsScoringThemAll(@TempDir Path tmp)
      throws Exception {
    SparkSession spark = TestSpark.get();
    Path landing = Files.createDirectories(tmp.resolve("landing"));
    TinyLanding.write(landing);
    Files.delete(landing.resolve("transactions.csv.gz"));
    Files.delete(landing.resolve("products.csv.gz"));
    Files.writeString(
        landing.resolve("products.csv"),
        PRODUCTS
            + "\n100,1,GROCERY,National,SOUP,SOUP CAN,\n200,2,PRODUCE,Private,FRUIT,APPLES,"
            + "\n300,1,GROCERY,National,SOUP,SOUP BOX,\n400,2,PRODUCE,Private,FRUIT,PEARS,\n");
    day(
        landing,
        "transactions_2017-01-01.csv",
        line(1, 11, 100, 1, "1.00", "2017-01-01"),
        line(1, 11, 200, 1, "1.00", "2017-01-01"),
        line(2, 12, 100, 1, "1.00", "2017-01-01"),
        line(2, 12, 200, 1, "1.00", "2017-01-01"),
        line(3, 13, 100, 1, "1.00", "2017-01-02"),
        line(3, 13, 200, 1, "1.00", "2017-01-02"),
        line(3, 13, 300, 1, "1.00", "2017-01-02"),
        line(4, 14, 200, 1, "1.00", "2017-01-02"),
        line(4, 14, 400, 1, "1.00", "2017-01-02"),
        line(5, 15, 100, 1, "1.00", "2017-01-02"),
        line(6, 16, 300, 1, "1.00", "2017-01-02"),
        line(6, 16, 400, 1, "1.00", "2017-01-02"));
    Path dir = tmp.resolve("lake");
    Lake lake = new Lake(dir.toString());
    run(spark, dir, landing, "2017-01-05");

    day(
        landing,
        "transactions_2017-01-06.csv",
        line(5, 51, 200, 1, "1.00", "2017-01-06"),
        line(5, 51, 300, 1, "1.00", "2017-01-06"),
        line(7, 71, 100, 1, "1.00", "2017-01-06"));
    StageResult daily = run(spark, dir, landing, "2017-01-06");
    assertEquals(2L, daily.details().get("scoring.households"), daily.details().toString());
    List<List<Object>> incremental = lists(spark, lake);
    assertEquals(
        List.of(
            List.of(5L, 1, 100L),
            List.of(5L, 2, 200L),
            List.of(5L, 3, 300L),
            List.of(7L, 1, 100L),
            List.of(7L, 2, 200L)),
        incremental.stream().filter(r -> List.of(5L, 7L).contains(r.get(0))).toList());
    // every household scored again (the rules mined again from the same baskets): the same lists
    scoreAll(spark, dir, landing, "2017-01-06");
    assertEquals(incremental, lists(spark, lake));

    // a late file dated before the cut-off of that mining (for 2017-01-06, so 2017-01-05) moves
    // what the products of an item are counted on: every household is scored again; household 6's
    // SOUP CAN leads it to 200
    day(landing, "transactions_2017-01-04.csv", line(6, 41, 100, 1, "1.00", "2017-01-04"));
    StageResult late = run(spark, dir, landing, "2017-01-06");
    assertFalse(late.details().containsKey("scoring.households"), late.details().toString());
    assertEquals(
        List.of(List.of(6L, 1, 100L), List.of(6L, 2, 200L), List.of(6L, 3, 300L)),
        lists(spark, lake).stream().filter(r -> r.get(0).equals(6L)).toList());
  }

  /** Runs the stages for the date; returns the recommendations stage's result. */
  private static StageResult run(SparkSession spark, Path lake, Path landing, String date) {
    JobContext ctx = TestContexts.local(lake, landing, date, SETTINGS);
    StageResult result = null;
    for (Job job : STAGES) {
      result = Stages.execute(job, spark, ctx);
    }
    return result;
  }

  /** The recommendations stage alone with --full-refresh: mined again, every household scored. */
  private static void scoreAll(SparkSession spark, Path lake, Path landing, String date) {
    JobContext ctx = TestContexts.local(lake, landing, date, SETTINGS);
    Stages.execute(
        new RecommendationsJob(),
        spark,
        new JobContext(
            ctx.settings(), ctx.logicalDate(), ctx.runId(), true, ctx.lake(), ctx.database()));
  }

  /** Every household's list: household, rank, product. */
  private static List<List<Object>> lists(SparkSession spark, Lake lake) {
    return values(
        lake.read(spark, Tables.GOLD_CUSTOMER_RECOMMENDATIONS)
            .select("household_id", "rank", "product_id")
            .orderBy("household_id", "rank"));
  }
}
