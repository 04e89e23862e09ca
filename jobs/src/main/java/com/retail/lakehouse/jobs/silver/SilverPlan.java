package com.retail.lakehouse.jobs.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;

import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.config.QualitySettings;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.quality.Cleaner;
import com.retail.lakehouse.common.quality.Expectation;
import com.retail.lakehouse.common.quality.HistoryChecks;
import com.retail.lakehouse.common.quality.QualityCheck;
import com.retail.lakehouse.common.quality.QualityGate;
import com.retail.lakehouse.common.quality.Reference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;

/**
 * The first phase of a silver run, which writes nothing: for every source, the bronze rows not yet
 * in silver (all of bronze on a full refresh), checked against the rules and against the keys the
 * dimensions will hold after this run; the rows each target will gain; and every quality check, so
 * that a failing one stops the stage before anything is committed.
 */
final class SilverPlan {
  private static final Logger LOG = LogManager.getLogger(SilverPlan.class);

  /**
   * One source's new rows, checked (cached until the run ends); the rows to write, how many (and
   * how many flagged), the range of their dates and their newest event (facts only).
   */
  record Batch(
      SilverSource source,
      boolean full,
      long bronzeVersion,
      List<Expectation> expectations,
      Dataset<Row> checked,
      Cleaner.RuleCounts counts,
      Dataset<Row> toWrite,
      long written,
      long flagged,
      Optional<SilverMerge.DateRange> range,
      Instant newest,
      List<QualityCheck> checks) {

    long quarantined() {
      return counts.quarantined();
    }

    Dataset<Row> valid() {
      return Cleaner.filterValid(checked, source.spec());
    }

    Dataset<Row> quarantinedRows() {
      return Cleaner.filterQuarantined(checked, source.spec());
    }

    void release() {
      checked.unpersist();
      toWrite.unpersist();
    }
  }

  private final SparkSession spark;
  private final JobContext ctx;
  private final Lake lake;
  private final Map<String, Batch> batches = new LinkedHashMap<>();
  private final List<QualityCheck> checks = new ArrayList<>();

  private SilverPlan(SparkSession spark, JobContext ctx) {
    this.spark = spark;
    this.ctx = ctx;
    this.lake = ctx.lake();
  }

  /**
   * Reads, checks and judges every source; throws a QualityFailure before any commit. Sources are
   * read {@value #THREADS} at a time, each once the sources feeding the dimensions it references
   * are read ({@link SideBySide}).
   */
  static SilverPlan prepare(SparkSession spark, JobContext ctx) {
    SilverPlan plan = new SilverPlan(spark, ctx);
    QualitySettings quality = ctx.settings().quality();
    Map<SilverSource, Optional<Batch>> read =
        SideBySide.run(
            "silver-read",
            THREADS,
            SilverSource.ALL,
            SilverSource::feeders,
            (source, feeders) ->
                plan.read(source, quality, feeders.stream().flatMap(Optional::stream).toList()),
            batch -> batch.ifPresent(Batch::release));
    read.forEach((source, batch) -> batch.ifPresent(b -> plan.batches.put(source.name(), b)));
    plan.batches.values().forEach(b -> plan.checks.addAll(b.checks()));
    plan.judgeHistory(quality);
    QualityGate.requireNoFailure(plan.checks);
    return plan;
  }

  /** Sources read at a time. */
  static final int THREADS = 3;

  boolean isEmpty() {
    return batches.isEmpty();
  }

  Optional<Batch> batch(String source) {
    return Optional.ofNullable(batches.get(source));
  }

  List<QualityCheck> checks() {
    return checks;
  }

  void release() {
    batches.values().forEach(Batch::release);
  }

  /** The table whose commits record how far the source has been consumed. */
  static TableId progressTable(SilverSource source) {
    return source.target().orElse(Tables.SILVER_HOUSEHOLDS);
  }

  private Optional<Batch> read(
      SilverSource source, QualitySettings quality, List<Batch> dimensionBatches) {
    TableId bronze = source.bronze();
    long now = lake.version(spark, bronze);
    long from =
        ctx.force()
            ? -1
            : lake.progress(spark, progressTable(source)).map(p -> p.version(bronze)).orElse(-1L);
    if (from >= now) {
      return Optional.empty();
    }
    Dataset<Row> rows = from < 0 ? lake.readAt(spark, bronze, now) : newRows(bronze, from, now);
    boolean full = from < 0 || rows == null;
    if (rows == null) {
      rows = lake.readAt(spark, bronze, now);
    }
    List<Expectation> expectations = quality.resolve(source.spec().expectations());
    Dataset<Row> checked =
        Cleaner.withRawOfQuarantinedOnly(
                Cleaner.check(
                    rows, source.spec(), expectations, ref -> keys(ref, dimensionBatches)),
                source.spec())
            .persist(StorageLevel.MEMORY_AND_DISK());
    Cleaner.RuleCounts counts = Cleaner.countFailures(checked);
    List<QualityCheck> judged = QualityGate.judge(counts, expectations, quality.shareMinRows());
    long quarantined = counts.quarantined();
    Dataset<Row> deduped =
        source
            .finish()
            .apply(
                Cleaner.dedupeByKey(
                    Cleaner.filterValid(checked, source.spec()), source.spec().naturalKey()));
    Optional<SilverMerge.DateRange> range = dateRange(deduped);
    Dataset<Row> toWrite =
        toWrite(source, deduped, full, range).persist(StorageLevel.MEMORY_AND_DISK());
    boolean facts = range.isPresent();
    Row figures =
        toWrite
            .agg(
                count(lit(1)),
                count_if(org.apache.spark.sql.functions.size(col(Cleaner.DQ_FLAGS)).gt(0)),
                facts ? max("transaction_timestamp") : lit(null).cast("timestamp"))
            .first();
    long written = figures.getLong(0);
    long flagged = figures.getLong(1);
    Instant newest = figures.isNullAt(2) ? null : figures.getTimestamp(2).toInstant();
    LOG.info(
        "{}: {} new bronze rows (versions {} to {}{}), {} to write, {} quarantined",
        source.name(),
        counts.rows(),
        from + 1,
        now,
        full ? ", full" : "",
        written,
        quarantined);
    return Optional.of(
        new Batch(
            source,
            full,
            now,
            expectations,
            checked,
            counts,
            toWrite,
            written,
            flagged,
            range,
            newest,
            judged));
  }

  /**
   * The rows appended to bronze after version {@code from}, from its change data feed; null when
   * the table keeps no feed for them (a lake from before the feed was on), which falls back to a
   * full read.
   */
  private Dataset<Row> newRows(TableId bronze, long from, long now) {
    try {
      Dataset<Row> changes = lake.changes(spark, bronze, from, now);
      return changes
          .filter(col("_change_type").equalTo("insert"))
          .drop("_change_type", "_commit_version", "_commit_timestamp");
    } catch (Exception e) { // Delta's analysis errors are checked exceptions thrown from Scala
      LOG.warn(
          "{}: no change data feed after version {} ({}); reading it whole",
          bronze,
          from,
          e.getMessage());
      spark.sql(
          "ALTER TABLE delta.`"
              + lake.path(bronze)
              + "` SET TBLPROPERTIES (delta.enableChangeDataFeed = true)");
      return null;
    }
  }

  /**
   * The kept rows (one per key, with silver's derived columns) the target gains: on an incremental
   * run only keys that are new or later versions of stored rows.
   */
  private Dataset<Row> toWrite(
      SilverSource source,
      Dataset<Row> deduped,
      boolean full,
      Optional<SilverMerge.DateRange> range) {
    Optional<TableId> target = source.target();
    if (full || target.isEmpty() || !lake.exists(spark, target.get())) {
      return deduped;
    }
    return SilverMerge.newOrNewer(
        deduped, lake.read(spark, target.get()), source.spec().naturalKey(), range);
  }

  /** The range of transaction dates in a batch of facts, to prune the stored facts. */
  static Optional<SilverMerge.DateRange> dateRange(Dataset<Row> batch) {
    if (!java.util.Arrays.asList(batch.columns()).contains("transaction_date")) {
      return Optional.empty();
    }
    Row r = batch.agg(min("transaction_date"), max("transaction_date")).first();
    return r.isNullAt(0)
        ? Optional.empty()
        : Optional.of(new SilverMerge.DateRange("transaction_date", r.getDate(0), r.getDate(1)));
  }

  /**
   * The keys a reference is checked against: the dimension's stored keys (unless this run rebuilds
   * it) and the keys this run adds, from the batches of the sources feeding it.
   */
  private Dataset<Row> keys(Reference ref, List<Batch> dimensionBatches) {
    List<Dataset<Row>> parts = new ArrayList<>();
    boolean rebuilt = false;
    for (Batch b : dimensionBatches) {
      if (SilverSource.feeds(b.source(), ref.dimension())) {
        parts.add(b.valid().select(col(ref.dimensionKey()).cast("long").as("key")));
        rebuilt |= b.full() && b.source().target().equals(Optional.of(ref.dimension()));
      }
    }
    if (!rebuilt && lake.exists(spark, ref.dimension())) {
      parts.add(
          lake.read(spark, ref.dimension()).select(col(ref.dimensionKey()).cast("long").as("key")));
    }
    if (ref.dimension().equals(Tables.SILVER_HOUSEHOLDS)) {
      unfoldedHouseholds().ifPresent(parts::add);
    }
    return parts.stream()
        .reduce(Dataset::union)
        .orElseGet(() -> spark.sql("SELECT CAST(NULL AS BIGINT) AS key WHERE false"));
  }

  /**
   * The households of silver.transactions when silver.households has not followed its last commit:
   * a run killed between the two commits left them there, consumed (no new bronze rows bring them
   * again), and this run's households commit will add them.
   */
  private Optional<Dataset<Row>> unfoldedHouseholds() {
    TableId facts = Tables.SILVER_TRANSACTIONS;
    long now = lake.version(spark, facts);
    long folded =
        lake.progress(spark, Tables.SILVER_HOUSEHOLDS).map(p -> p.version(facts)).orElse(-1L);
    if (now < 0 || folded >= now) {
      return Optional.empty();
    }
    LOG.info(
        "{} has not followed {} past version {} (now {}): its households count as known",
        Tables.SILVER_HOUSEHOLDS,
        facts,
        folded,
        now);
    return Optional.of(lake.read(spark, facts).select(col("household_id").cast("long").as("key")));
  }

  /** Volume of every target's new rows, and freshness of the transactions, against the history. */
  private void judgeHistory(QualitySettings quality) {
    Map<String, List<Long>> earlier = new HashMap<>();
    Map<String, Instant> newest = new HashMap<>();
    if (lake.exists(spark, Tables.OPS_TABLE_FRESHNESS)) {
      List<Row> history =
          lake.read(spark, Tables.OPS_TABLE_FRESHNESS)
              .filter(col("stage").equalTo("silver"))
              .withColumn(
                  "_n",
                  row_number().over(Window.partitionBy("table_name").orderBy(desc("checked_at"))))
              .filter(col("_n").leq(quality.volume().runs() + 1))
              .orderBy("table_name", "checked_at")
              .select("table_name", "rows_added", "newest_event_time")
              .collectAsList();
      for (Row r : history) {
        earlier.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r.getLong(1));
        if (!r.isNullAt(2)) {
          newest.put(r.getString(0), r.getTimestamp(2).toInstant());
        }
      }
    }
    for (Batch b : batches.values()) {
      b.source()
          .target()
          .ifPresent(
              t ->
                  checks.add(
                      HistoryChecks.volume(
                          t.toString(),
                          b.written(),
                          b.full() ? List.of() : earlier.getOrDefault(t.toString(), List.of()),
                          quality.volume())));
    }
    String facts = Tables.SILVER_TRANSACTIONS.toString();
    Instant latest = batch("transactions").map(Batch::newest).orElse(null);
    Instant before = newest.get(facts);
    Instant overall =
        latest == null ? before : before == null || latest.isAfter(before) ? latest : before;
    checks.add(HistoryChecks.freshness(facts, overall, ctx.logicalDate(), quality.freshness()));
    newestTransaction = overall;
  }

  private Instant newestTransaction;

  /** The newest transaction in silver once this run is committed (null when there is none). */
  Instant newestTransaction() {
    return newestTransaction;
  }
}
