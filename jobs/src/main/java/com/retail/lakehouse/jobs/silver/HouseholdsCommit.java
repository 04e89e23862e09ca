package com.retail.lakehouse.jobs.silver;

import static org.apache.spark.sql.functions.col;

import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Progress;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.quality.TableStat;
import io.delta.tables.DeltaTable;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code silver.households}: every household seen in the transactions or the demographics. It is
 * rebuilt when the demographics are read whole, and otherwise follows silver.transactions (the
 * households of the rows added since it last looked, from its change data feed) and the new
 * demographics rows; its commits record how far it has read both.
 */
final class HouseholdsCommit {
  private static final TableId TARGET = Tables.SILVER_HOUSEHOLDS;
  private static final TableId FACTS = Tables.SILVER_TRANSACTIONS;
  private static final TableId DEMOGRAPHICS = Tables.bronze("demographics");

  private final SparkSession spark;
  private final Lake lake;

  HouseholdsCommit(SparkSession spark, Lake lake) {
    this.spark = spark;
    this.lake = lake;
  }

  /** Returns whether the households were written. */
  boolean commit(SilverPlan plan, StageResult.Builder result) {
    Optional<SilverPlan.Batch> demographics = plan.batch("demographics");
    long factsNow = lake.version(spark, FACTS);
    Progress before = lake.progress(spark, TARGET).orElse(Progress.of(Map.of()));
    long factsBefore = before.version(FACTS);
    if (demographics.isEmpty() && factsBefore >= factsNow) {
      return false;
    }
    long demographicsVersion =
        demographics.map(SilverPlan.Batch::bronzeVersion).orElse(before.version(DEMOGRAPHICS));
    String progress =
        Progress.of(Map.of(FACTS, factsNow, DEMOGRAPHICS, demographicsVersion)).toJson();
    long written;
    boolean replaced = demographics.isPresent() && demographics.get().full();
    if (replaced) {
      Dataset<Row> all =
          Households.toHouseholds(lake.read(spark, FACTS), demographics.get().toWrite());
      written = lake.replace(TARGET, all, progress);
    } else {
      Dataset<Row> newFacts =
          factsBefore < 0
              ? lake.read(spark, FACTS)
              : lake.changes(spark, FACTS, factsBefore, factsNow)
                  .filter(col("_change_type").isin("insert", "update_postimage"));
      Dataset<Row> demo =
          demographics
              .map(SilverPlan.Batch::toWrite)
              .orElseGet(() -> lake.read(spark, TARGET).filter("false").drop("has_demographics"));
      Dataset<Row> changed = Households.toHouseholds(newFacts, demo);
      boolean committed =
          lake.mergeRecording(
              spark,
              TARGET,
              progress,
              () ->
                  DeltaTable.forPath(spark, lake.path(TARGET))
                      .as("t")
                      .merge(changed.as("s"), "t.household_id = s.household_id")
                      .whenMatched("s.has_demographics")
                      .updateAll()
                      .whenNotMatched()
                      .insertAll()
                      .execute());
      written =
          committed
              ? lake.lastCommitMetric(spark, TARGET, "numTargetRowsInserted")
                  + lake.lastCommitMetric(spark, TARGET, "numTargetRowsUpdated")
              : 0;
    }
    result.written(TARGET.name(), written);
    long rows = replaced ? written : lake.read(spark, TARGET).count(); // replaced: all written
    result.stat(new TableStat(TARGET.toString(), written, rows, null));
    return true;
  }
}
