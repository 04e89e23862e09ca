package com.retail.lakehouse.jobs.silver;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.quality.Cleaner;
import com.retail.lakehouse.common.quality.Expectation;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Re-checks a source's quarantined rows against today's rules and reference data (after a rule was
 * relaxed or a dimension fixed): those that pass now are merged into silver as a silver run would
 * merge them, then removed from quarantine; the rest stay. Rerunning it adds nothing: the merge
 * writes only keys that are new or later versions, so a replay killed between its two commits
 * completes on the next one.
 */
public final class QuarantineReplay {
  private QuarantineReplay() {}

  /** Rows quarantined before, replayed into silver, and still quarantined after. */
  public record Outcome(TableId silver, long before, long replayed, long stillQuarantined) {}

  public static Outcome replay(
      SparkSession spark, JobContext ctx, String table, Optional<String> rule) {
    SilverSource source =
        SilverSource.ALL.stream()
            .filter(s -> s.name().equals(table))
            .findFirst()
            .orElseThrow(
                () ->
                    new UserError(
                        "--table must be one of "
                            + String.join(
                                ", ", SilverSource.ALL.stream().map(SilverSource::name).toList())
                            + " (got '"
                            + table
                            + "')"));
    Lake lake = ctx.lake();
    TableId quarantine = source.quarantine();
    TableId silver = source.target().orElse(Tables.SILVER_HOUSEHOLDS);
    if (!lake.exists(spark, quarantine)) {
      throw new UserError(quarantine + " does not exist: nothing of " + table + " is quarantined");
    }
    rule.filter(r -> !source.spec().ruleNames().contains(r))
        .ifPresent(
            r -> {
              throw new UserError(
                  "--rule "
                      + r
                      + ": no such rule of "
                      + table
                      + " (rules: "
                      + String.join(", ", source.spec().ruleNames())
                      + ")");
            });
    Dataset<Row> all = lake.read(spark, quarantine);
    long before = all.count();
    Dataset<Row> candidates =
        rule.map(r -> all.filter(array_contains(col(Cleaner.FAILED_RULES), r))).orElse(all);
    List<Expectation> expectations = ctx.settings().quality().resolve(source.spec().expectations());
    Dataset<Row> checked =
        Cleaner.check(
                candidates.drop(Cleaner.FAILED_RULES),
                source.spec(),
                expectations,
                ref ->
                    lake.exists(spark, ref.dimension())
                        ? lake.read(spark, ref.dimension()).select(col(ref.dimensionKey()))
                        : spark.sql("SELECT CAST(NULL AS BIGINT) AS key WHERE false"))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> passing = Cleaner.filterValid(checked, source.spec());
      long replayed = passing.count();
      if (replayed > 0) {
        mergeIntoSilver(spark, lake, source, passing);
        removeFromQuarantine(
            spark, lake, quarantine, Cleaner.filterValidAsRead(checked, source.spec()));
      }
      return new Outcome(silver, before, replayed, lake.read(spark, quarantine).count());
    } finally {
      checked.unpersist();
    }
  }

  private static void mergeIntoSilver(
      SparkSession spark, Lake lake, SilverSource source, Dataset<Row> passing) {
    Dataset<Row> deduped =
        source.finish().apply(Cleaner.dedupeByKey(passing, source.spec().naturalKey()));
    if (source.target().isEmpty()) { // demographics: the households gain or update theirs
      Dataset<Row> households =
          Households.toHouseholds(lake.read(spark, Tables.SILVER_TRANSACTIONS).limit(0), deduped);
      DeltaTable.forPath(spark, lake.path(Tables.SILVER_HOUSEHOLDS))
          .as("t")
          .merge(households.as("s"), "t.household_id = s.household_id")
          .whenMatched()
          .updateAll()
          .whenNotMatched()
          .insertAll()
          .execute();
      return;
    }
    TableId target = source.target().get();
    Optional<SilverMerge.DateRange> range = SilverPlan.dateRange(deduped);
    if (!lake.exists(spark, target)) {
      lake.append(target, deduped);
    } else {
      Dataset<Row> rows =
          SilverMerge.newOrNewer(
              deduped, lake.read(spark, target), source.spec().naturalKey(), range);
      SilverMerge.merge(spark, lake, source, rows, range, null);
    }
  }

  /** Deletes the replayed rows from quarantine, matching every column as it was read. */
  private static void removeFromQuarantine(
      SparkSession spark, Lake lake, TableId quarantine, Dataset<Row> replayed) {
    List<String> same = new ArrayList<>();
    for (String c : replayed.columns()) {
      same.add("t.`" + c + "` <=> s.`" + c + "`");
    }
    DeltaTable.forPath(spark, lake.path(quarantine))
        .as("t")
        .merge(replayed.distinct().as("s"), String.join(" AND ", same))
        .whenMatched()
        .delete()
        .execute();
  }
}
