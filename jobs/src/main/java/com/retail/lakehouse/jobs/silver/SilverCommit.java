package com.retail.lakehouse.jobs.silver;

import static org.apache.spark.sql.functions.col;

import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Progress;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.quality.Cleaner;
import com.retail.lakehouse.common.quality.Expectation;
import com.retail.lakehouse.common.quality.Reference;
import com.retail.lakehouse.common.quality.Severity;
import com.retail.lakehouse.common.quality.TableStat;
import io.delta.tables.DeltaTable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The second phase of a silver run: commits each source's batch, in dependency order. Per source:
 * its quarantined rows are appended (idempotently, keyed by the bronze version), flags of rows
 * whose late dimension has arrived are cleared, and its kept rows are merged by natural key in a
 * commit that records the bronze version consumed. A run killed between two commits is completed by
 * the next run, which finds each table's progress in its last commit.
 */
final class SilverCommit {
  private static final Logger LOG = LogManager.getLogger(SilverCommit.class);

  private final SparkSession spark;
  private final Lake lake;
  private final SilverPlan plan;
  private final StageResult.Builder result;

  SilverCommit(SparkSession spark, Lake lake, SilverPlan plan, StageResult.Builder result) {
    this.spark = spark;
    this.lake = lake;
    this.plan = plan;
    this.result = result;
  }

  /** Commits every source and the households; returns whether anything was written. */
  boolean commit() {
    boolean any = false;
    for (SilverSource source : SilverSource.ALL) {
      Optional<SilverPlan.Batch> batch = plan.batch(source.name());
      batch.ifPresent(this::quarantine);
      if (source.target().isPresent()) {
        any |= commitTarget(source, batch);
      } else {
        batch.ifPresent(this::count);
      }
      if (source.name().equals("demographics")) {
        any |= new HouseholdsCommit(spark, lake).commit(plan, result);
      }
    }
    return any;
  }

  private void quarantine(SilverPlan.Batch b) {
    SilverSource s = b.source();
    result.read(s.name(), b.counts().rows()).quarantined(s.name(), b.quarantined());
    if (b.full()) {
      lake.replace(s.quarantine(), b.quarantinedRows(), "silver full refresh");
    } else if (b.quarantined() > 0) {
      lake.appendOnce(s.quarantine(), b.quarantinedRows(), "silver:" + s.name(), b.bronzeVersion());
    }
  }

  /** Resolves flags, then merges the batch, recording what the table now reflects. */
  private boolean commitTarget(SilverSource source, Optional<SilverPlan.Batch> batch) {
    TableId target = source.target().orElseThrow();
    boolean exists = lake.exists(spark, target);
    Progress before =
        exists ? lake.progress(spark, target).orElse(Progress.of(Map.of())) : Progress.of(Map.of());
    Map<TableId, Long> dims = new LinkedHashMap<>();
    for (Reference ref : source.spec().references()) {
      dims.put(ref.dimension(), lake.version(spark, ref.dimension()));
    }
    boolean resolved = false;
    if (exists && batch.map(b -> !b.full()).orElse(true)) {
      resolved = resolveLateDimensions(source, target, before, dims);
    }
    if (batch.isEmpty()) {
      return resolved;
    }
    SilverPlan.Batch b = batch.get();
    Map<TableId, Long> consumed = new LinkedHashMap<>(dims);
    consumed.put(source.bronze(), b.bronzeVersion());
    String progress = Progress.of(consumed).toJson();
    boolean replaced = b.full() || !exists;
    if (replaced) {
      lake.replace(target, ordered(b.toWrite()), progress);
    } else if (b.written() == 0) {
      lake.commitMetadataOnly(target, progress);
    } else {
      SilverMerge.merge(spark, lake, source, b.toWrite(), b.range(), progress);
    }
    count(b);
    Instant newest = target.equals(Tables.SILVER_TRANSACTIONS) ? plan.newestTransaction() : null;
    // a replaced table holds exactly the rows written: counted again only after a merge
    long rows = replaced ? b.written() : lake.read(spark, target).count();
    result.stat(new TableStat(target.toString(), b.written(), rows, newest));
    return true;
  }

  /** Rows read = written + quarantined + duplicates removed; flagged rows are among the written. */
  private void count(SilverPlan.Batch b) {
    String name = b.source().name();
    long valid = b.counts().rows() - b.quarantined();
    result
        .written(name, b.written())
        .flagged(name, b.flagged())
        .duplicates(name, valid - b.written());
  }

  /** Facts are stored in date order, so that a day's rows share few files and prune well. */
  private static Dataset<Row> ordered(Dataset<Row> rows) {
    return java.util.Arrays.asList(rows.columns()).contains("transaction_date")
        ? rows.sortWithinPartitions("transaction_date").repartitionByRange(col("transaction_date"))
        : rows;
  }

  /**
   * For each late-arriving reference of the source (severity warn) whose dimension changed since
   * the table last looked at it, clears the flag of the stored rows whose key the dimension now
   * holds. The commit records the dimension versions looked at, so a rerun does not look again.
   */
  private boolean resolveLateDimensions(
      SilverSource source, TableId target, Progress before, Map<TableId, Long> dims) {
    boolean any = false;
    for (Reference ref : source.spec().references()) {
      Expectation e =
          plan.batch(source.name())
              .flatMap(
                  b ->
                      b.expectations().stream()
                          .filter(x -> x.rule().equals(ref.rule()))
                          .findFirst())
              .orElse(null);
      boolean warn = e == null ? ref.severity() == Severity.WARN : e.severity() == Severity.WARN;
      long now = dims.get(ref.dimension());
      if (!warn || now < 0 || before.version(ref.dimension()) >= now) {
        continue;
      }
      Map<TableId, Long> seen = new LinkedHashMap<>();
      before
          .inputs()
          .forEach((t, v) -> seen.put(com.retail.lakehouse.common.lake.TableId.of(t), v));
      seen.putAll(dims);
      String progress = Progress.of(seen).toJson();
      Dataset<Row> keys = resolvedKeys(target, ref);
      // with no key to resolve there is no MERGE to plan and run: mergeRecording then records the
      // versions looked at in a commit of their own
      boolean committed =
          lake.mergeRecording(
              spark,
              target,
              progress,
              () -> {
                if (!keys.isEmpty()) {
                  clearFlags(target, ref, keys);
                }
              });
      long resolved = committed ? lake.lastCommitMetric(spark, target, "numTargetRowsUpdated") : 0;
      LOG.info("{}: {} rows resolved by {}", target, resolved, ref.dimension());
      result.detail(source.name() + ".resolved." + ref.rule(), resolved);
      any = true;
    }
    return any;
  }

  /**
   * Removes the reference's rule from the flags of the target's rows whose key is in {@code keys}.
   */
  private void clearFlags(TableId target, Reference ref, Dataset<Row> keys) {
    DeltaTable.forPath(spark, lake.path(target))
        .as("t")
        .merge(
            keys.as("s"),
            "t."
                + ref.column()
                + " = s._resolved_key AND array_contains(t."
                + Cleaner.DQ_FLAGS
                + ", '"
                + ref.rule()
                + "')")
        .whenMatched()
        .updateExpr(
            Map.of(
                Cleaner.DQ_FLAGS, "array_remove(t." + Cleaner.DQ_FLAGS + ", '" + ref.rule() + "')"))
        .execute();
  }

  /**
   * The keys of the target's rows flagged by the reference's rule that the dimension now holds
   * (distinct, checkpointed), from the flag and key columns only: a run that resolves nothing (most
   * runs) pays this one scan and no MERGE.
   */
  private Dataset<Row> resolvedKeys(TableId target, Reference ref) {
    Dataset<Row> known =
        lake.read(spark, ref.dimension()).select(col(ref.dimensionKey()).as("_known_key"));
    return lake.read(spark, target)
        .filter(Cleaner.flagged(ref.rule()))
        .select(col(ref.column()).as("_resolved_key"))
        .distinct()
        .join(known, col("_resolved_key").equalTo(col("_known_key")), "left_semi")
        .localCheckpoint();
  }
}
