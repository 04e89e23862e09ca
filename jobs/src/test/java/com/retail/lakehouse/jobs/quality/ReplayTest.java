package com.retail.lakehouse.jobs.quality;

import static com.retail.lakehouse.jobs.support.Frames.expect;
import static com.retail.lakehouse.jobs.support.Frames.values;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.jobs.BronzeIngestJob;
import com.retail.lakehouse.jobs.GoldJob;
import com.retail.lakehouse.jobs.SilverJob;
import com.retail.lakehouse.jobs.Stages;
import com.retail.lakehouse.jobs.silver.QuarantineReplay;
import com.retail.lakehouse.jobs.support.TestContexts;
import com.retail.lakehouse.jobs.support.TestSpark;
import com.retail.lakehouse.jobs.support.TinyLanding;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quarantine replay over {@link TinyLanding}: its transactions quarantine holds a line with a
 * negative quantity (household 2, basket 1003, 1.00) and a malformed line. Once the rule is relaxed
 * to {@code warn}, replaying that rule moves the first into silver, flagged, exactly once; the
 * malformed line stays; gold follows.
 */
class ReplayTest {
  @Test
  void rowsPassingTodaysRulesMoveToSilverOnceAndTheRestStay(@TempDir Path tmp) throws Exception {
    SparkSession spark = TestSpark.get();
    Path landing = Files.createDirectories(tmp.resolve("landing"));
    TinyLanding.write(landing);
    JobContext ctx = TestContexts.local(tmp.resolve("lake"), landing, "2017-03-01");
    Lake lake = ctx.lake();
    for (var job : List.of(new BronzeIngestJob(), new SilverJob(), new GoldJob())) {
      Stages.execute(job, spark, ctx);
    }
    // household 2: basket 1002, 1.00 + 1.00 (the second line's product is unknown, still counted)
    assertEquals(new BigDecimal("2.00"), spend(spark, lake, 2));

    // with today's rules nothing passes: a replay moves nothing
    QuarantineReplay.Outcome none =
        QuarantineReplay.replay(spark, ctx, "transactions", Optional.empty());
    assertEquals(
        List.of(2L, 0L, 2L), List.of(none.before(), none.replayed(), none.stillQuarantined()));

    JobContext relaxed =
        TestContexts.local(
            tmp.resolve("lake"),
            landing,
            "2017-03-01",
            "quality.rules.transactions.negative_quantity.severity=warn");
    QuarantineReplay.Outcome first =
        QuarantineReplay.replay(spark, relaxed, "transactions", Optional.of("negative_quantity"));
    assertEquals(Tables.SILVER_TRANSACTIONS, first.silver());
    assertEquals(
        List.of(2L, 1L, 1L), List.of(first.before(), first.replayed(), first.stillQuarantined()));
    assertEquals(
        List.of(expect(2L, -1, List.of("negative_quantity"))),
        values(
            lake.read(spark, Tables.SILVER_TRANSACTIONS)
                .filter(col("basket_id").equalTo(1003))
                .select("household_id", "quantity", "dq_flags")));
    assertEquals(
        List.of(
            expect(
                List.of(
                    "malformed_line",
                    "missing:product_id",
                    "missing:quantity",
                    "missing:sales_value",
                    "missing:transaction_timestamp"))),
        values(lake.read(spark, Tables.quarantine("transactions")).select("failed_rules")));

    // rerunning adds nothing: the row is in silver once and no longer in quarantine
    long version = lake.version(spark, Tables.SILVER_TRANSACTIONS);
    QuarantineReplay.Outcome again =
        QuarantineReplay.replay(spark, relaxed, "transactions", Optional.of("negative_quantity"));
    assertEquals(
        List.of(1L, 0L, 1L), List.of(again.before(), again.replayed(), again.stillQuarantined()));
    assertEquals(version, lake.version(spark, Tables.SILVER_TRANSACTIONS));
    assertEquals(
        1L,
        lake.read(spark, Tables.SILVER_TRANSACTIONS)
            .filter(col("basket_id").equalTo(1003))
            .count());

    // what depends on silver follows: household 2 gains basket 1003's 1.00
    Stages.execute(new GoldJob(), spark, relaxed);
    assertEquals(new BigDecimal("3.00"), spend(spark, lake, 2));

    UserError unknown =
        assertThrows(
            UserError.class,
            () -> QuarantineReplay.replay(spark, ctx, "transactions", Optional.of("no_such_rule")));
    assertTrue(
        unknown.getMessage().startsWith("--rule no_such_rule: no such rule of transactions"));
  }

  private static BigDecimal spend(SparkSession spark, Lake lake, long household) {
    return lake.read(spark, Tables.GOLD_CUSTOMER_SUMMARY)
        .filter(col("household_id").equalTo(household))
        .select("total_spend")
        .first()
        .getDecimal(0);
  }
}
