package com.retail.lakehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.JobOptions;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.jobs.support.TestSpark;
import com.retail.lakehouse.jobs.support.TinyLanding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backfill (a run for an earlier logical date) leaves gold tables computed for a later date as
 * they are. {@link TinyLanding}'s valid transactions: household 1 on 2017-01-28, household 2 on
 * 2017-01-29; so the customer summary as of 2017-02-01 has 2 households, as of 2017-01-28 one.
 */
class GoldJobBackfillTest {

  private static JobContext context(Path lake, Path landing, String date, boolean force) {
    JobOptions options = new JobOptions();
    options.lake = lake.toString();
    options.sources = landing.toString();
    options.date = date;
    options.runId = "backfill-test-" + date;
    options.force = force;
    return options.context();
  }

  @Test
  void anEarlierDateLeavesLaterGoldTablesAloneUnlessForced(@TempDir Path dir) throws IOException {
    SparkSession spark = TestSpark.get();
    Path landing = Files.createDirectory(dir.resolve("landing"));
    TinyLanding.write(landing);
    Path lakeDir = dir.resolve("lake");
    JobContext latest = context(lakeDir, landing, "2017-02-01", false);
    Stages.execute(new BronzeIngestJob(), spark, latest);
    Stages.execute(new SilverJob(), spark, latest);
    Stages.execute(new GoldJob(), spark, latest);
    Lake lake = latest.lake();
    long version = lake.version(spark, Tables.GOLD_CUSTOMER_SUMMARY);
    assertEquals(2, lake.read(spark, Tables.GOLD_CUSTOMER_SUMMARY).count());

    JobContext backfill = context(lakeDir, landing, "2017-01-28", false);
    assertTrue(Stages.execute(new GoldJob(), spark, backfill).upToDate());
    assertEquals(version, lake.version(spark, Tables.GOLD_CUSTOMER_SUMMARY));
    assertEquals(2, lake.read(spark, Tables.GOLD_CUSTOMER_SUMMARY).count());

    JobContext forced = context(lakeDir, landing, "2017-01-28", true);
    assertFalse(Stages.execute(new GoldJob(), spark, forced).upToDate());
    assertEquals(1, lake.read(spark, Tables.GOLD_CUSTOMER_SUMMARY).count());
  }
}
