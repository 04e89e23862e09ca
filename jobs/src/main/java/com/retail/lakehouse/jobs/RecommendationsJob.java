package com.retail.lakehouse.jobs;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.cli.StageSpec;
import com.retail.lakehouse.common.cli.StageSpec.Mode;
import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.lake.Fingerprint;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.jobs.recommend.BasketMining;
import com.retail.lakehouse.jobs.recommend.Evaluation;
import com.retail.lakehouse.jobs.recommend.HoldOut;
import com.retail.lakehouse.jobs.recommend.Models;
import com.retail.lakehouse.jobs.recommend.Purchases;
import com.retail.lakehouse.jobs.recommend.Recommender;
import com.retail.lakehouse.jobs.recommend.ScoringScope;
import java.sql.Date;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Recommendations: FP-Growth over the baskets up to the hold-out cut-off into {@code
 * gold.frequent_itemsets} and {@code gold.association_rules} (again only every {@code
 * mine-every-days}), the configured model's top N per household into {@code
 * gold.customer_recommendations} (between minings, for the households whose lines changed: {@link
 * ScoringScope}), and the publish gate (that model against the popularity baseline on the hold-out,
 * measured when mining and carried by the runs that reuse the rules) into {@code
 * ops.recommendation_evaluations}.
 */
public final class RecommendationsJob implements Job {
  private static final Logger LOG = LogManager.getLogger(RecommendationsJob.class);

  static final List<TableId> INPUTS = List.of(Tables.SILVER_TRANSACTIONS, Tables.SILVER_PRODUCTS);

  static final StageSpec SPEC =
      StageSpec.stage("recommendations", RecommendationsJob.class)
          .describedAs("FP-Growth rules (weekly), top-N products per household, publish gate")
          .reads(INPUTS)
          .writes(
              Mode.OVERWRITE,
              Tables.GOLD_FREQUENT_ITEMSETS,
              Tables.GOLD_ASSOCIATION_RULES,
              Tables.GOLD_CUSTOMER_RECOMMENDATIONS)
          .writes(Mode.APPEND, Tables.OPS_RECOMMENDATION_EVALUATIONS)
          .build();

  /** How a mining's fingerprint starts; the rest is its parameters, date and input versions. */
  static final String MINING = "recommendations-mining";

  public static void main(String[] args) {
    Stages.run(new RecommendationsJob(), args);
  }

  @Override
  public StageSpec spec() {
    return SPEC;
  }

  @Override
  public StageResult run(SparkSession spark, JobContext ctx) {
    Lake lake = ctx.lake();
    Settings.Recommendations p = ctx.settings().recommendations();
    Optional<String> scored = lake.fingerprint(spark, Tables.GOLD_CUSTOMER_RECOMMENDATIONS);
    LocalDate date = asOf(scored, ctx.logicalDate());
    if (!date.equals(ctx.logicalDate())) {
      LOG.info(
          "recommendations are served as of {}: a run for {} (a backfill) keeps that date",
          date,
          ctx.logicalDate());
    }
    LocalDate cutoff = HoldOut.cutoff(date, p);
    String mining = Fingerprint.of(spark, lake, MINING, miningKey(p.mining(), date), INPUTS);
    Optional<String> stored = lake.fingerprint(spark, Tables.GOLD_ASSOCIATION_RULES);
    boolean reuse =
        !ctx.force()
            && stored.isPresent()
            && lake.exists(spark, Tables.GOLD_FREQUENT_ITEMSETS)
            && reusable(stored.get(), p.mining(), date, p.mineEveryDays());
    String rulesFingerprint = reuse ? stored.get() : mining;
    String fingerprint =
        Fingerprint.of(
            spark, lake, stage(), p + "|date=" + date + "|rules=" + rulesFingerprint, INPUTS);
    if (!ctx.force()
        && lake.upToDate(spark, fingerprint, List.of(Tables.GOLD_CUSTOMER_RECOMMENDATIONS))) {
      return StageResult.skipped();
    }

    Optional<Map.Entry<List<HoldOut.Result>, LocalDate>> carried =
        reuse ? HoldOut.lastGate(spark, lake, rulesFingerprint, p) : Optional.empty();
    LocalDate minedFor = reuse ? minedFor(stored.get(), p.mining()).orElseThrow() : date;
    LocalDate minedCutoff = HoldOut.cutoff(minedFor, p);
    // between minings, with the gate carried, only the households whose lines changed are scored
    Optional<ScoringScope.Touched> touched =
        carried.isEmpty()
            ? Optional.empty()
            : ScoringScope.of(
                spark,
                lake,
                p.model(),
                scored,
                fingerprint,
                scoringHead(p),
                rulesFingerprint,
                date,
                minedCutoff);
    Dataset<Row> history = Models.history(spark, lake, date, p.itemLevel());
    Dataset<Row> lines =
        touched
            .map(t -> semi(history, t.households(), "left_semi"))
            .orElse(history)
            .persist(StorageLevel.MEMORY_AND_DISK());
    StageResult.Builder result = new StageResult.Builder();
    if (reuse) {
      LOG.info("rules of {} reused (mined less than {} days ago)", stored.get(), p.mineEveryDays());
    } else {
      long started = System.nanoTime();
      mine(lake, lines, cutoff, p.mining(), rulesFingerprint, result);
      result.detail("mining.ms", (System.nanoTime() - started) / 1_000_000);
    }
    Dataset<Row> rules = lake.read(spark, Tables.GOLD_ASSOCIATION_RULES);

    long gateStarted = System.nanoTime();
    List<HoldOut.Result> gate;
    LocalDate measuredCutoff;
    if (carried.isPresent()) {
      gate = carried.get().getKey();
      measuredCutoff = carried.get().getValue();
    } else {
      List<String> models = List.of(p.model(), HoldOut.BASELINE).stream().distinct().toList();
      gate = HoldOut.evaluate(Evaluation.split(lines, cutoff, date), rules, models, p);
      measuredCutoff = cutoff;
    }
    lake.append(
        Tables.OPS_RECOMMENDATION_EVALUATIONS,
        HoldOut.rows(
            spark,
            gate,
            ctx.runId(),
            carried.isPresent() ? HoldOut.GATE_CARRIED : HoldOut.GATE,
            date,
            p,
            new HoldOut.Judged(p.model(), fingerprint, rulesFingerprint, measuredCutoff)));
    result.written("recommendation_evaluations", gate.size());
    if (HoldOut.verdict(gate, p.model()).equals(HoldOut.HOLD_BACK)) {
      result.warn(
          String.format(
              "model %s has MAP@%d %.4f on the hold-out after %s, below the popularity baseline's"
                  + " %.4f: the publish will keep the previous recommendations",
              p.model(),
              p.topN(),
              map(gate, p.model()),
              measuredCutoff,
              map(gate, HoldOut.BASELINE)));
    }
    result.detail("gate.ms", (System.nanoTime() - gateStarted) / 1_000_000);
    long scoringStarted = System.nanoTime();
    // the products an item stands for, counted on the lines the rules were mined from
    Dataset<Row> itemProducts =
        Recommender.itemProducts(
                (touched.isPresent() ? history : lines)
                    .filter(col("transaction_date").leq(lit(Date.valueOf(minedCutoff)))))
            .persist(StorageLevel.MEMORY_AND_DISK());
    Purchases purchases = Purchases.of(lines);
    Dataset<Row> recommendations = Models.recommend(p.model(), purchases, rules, itemProducts, p);
    long written;
    if (touched.isPresent()) {
      Dataset<Row> kept =
          semi(
              lake.read(spark, Tables.GOLD_CUSTOMER_RECOMMENDATIONS),
              touched.get().households(),
              "left_anti");
      written =
          lake.mergeWhole(
              Tables.GOLD_CUSTOMER_RECOMMENDATIONS,
              kept.unionByName(recommendations),
              List.of("household_id", "rank"),
              fingerprint);
      result.detail("scoring.households", touched.get().count());
      touched.get().release();
    } else {
      written = lake.replace(Tables.GOLD_CUSTOMER_RECOMMENDATIONS, recommendations, fingerprint);
    }
    result.written("customer_recommendations", written);
    purchases.release();
    itemProducts.unpersist();
    result.detail("scoring.ms", (System.nanoTime() - scoringStarted) / 1_000_000);
    lines.unpersist();
    return result.build();
  }

  /** How this stage's fingerprints start, up to the as-of date (as {@link #run} writes them). */
  private static String scoringHead(Settings.Recommendations p) {
    return SPEC.name() + "|" + p + "|date=";
  }

  /** {@code rows} joined ({@code left_semi} or {@code left_anti}) with a few households. */
  private static Dataset<Row> semi(Dataset<Row> rows, Dataset<Row> households, String how) {
    return rows.join(
        broadcast(households),
        rows.col("household_id").equalTo(households.col("household_id")),
        how);
  }

  /** Mines the lines up to the cut-off and writes the itemsets and the kept rules. */
  private static void mine(
      Lake lake,
      Dataset<Row> lines,
      LocalDate cutoff,
      Settings.Mining m,
      String fingerprint,
      StageResult.Builder result) {
    Dataset<Row> baskets =
        BasketMining.toBaskets(
                lines.filter(col("transaction_date").leq(lit(Date.valueOf(cutoff)))),
                m.maxBasketSize())
            .persist(StorageLevel.MEMORY_AND_DISK());
    BasketMining.Mined mined = BasketMining.mine(baskets, m);
    LOG.info(
        "mined {} baskets up to {} at {} level: {} itemsets at min support {} baskets{}, {} rules"
            + " found, {} kept",
        mined.baskets(),
        cutoff,
        m.itemLevel(),
        mined.itemsetsFound(),
        mined.minSupportBaskets(),
        mined.supportRaised() ? " (raised to stay within max-rules)" : "",
        mined.rulesFound(),
        mined.rulesKept());
    result
        .read("baskets", mined.baskets())
        .detail("itemsets.found", mined.itemsetsFound())
        .detail("rules.found", mined.rulesFound())
        .detail("min_support.baskets", mined.minSupportBaskets());
    if (mined.supportRaised()) {
      result.warn(
          String.format(
              "%,d rules found, more than recommendations.max-rules (%,d): min support raised to"
                  + " %,d baskets",
              mined.rulesFound(), m.maxRules(), mined.minSupportBaskets()));
    }
    result.written(
        "frequent_itemsets",
        lake.replace(Tables.GOLD_FREQUENT_ITEMSETS, mined.itemsets(), fingerprint));
    result.written(
        "association_rules",
        lake.replace(Tables.GOLD_ASSOCIATION_RULES, mined.rules(), fingerprint));
    mined.release();
    baskets.unpersist();
  }

  private static double map(List<HoldOut.Result> results, String model) {
    return results.stream()
        .filter(r -> r.model().equals(model))
        .findFirst()
        .orElseThrow()
        .metrics()
        .map();
  }

  /** What identifies a mining besides its input versions: its parameters and logical date. */
  static String miningKey(Settings.Mining m, LocalDate date) {
    return m + "|mined-for=" + date;
  }

  /**
   * Whether rules mined under {@code stored} (a mining fingerprint) serve the run of {@code date}:
   * same parameters, mined for a logical date not after it and less than {@code everyDays} before.
   */
  /**
   * The date recommendations are computed as of: the logical date, or the later date the stored
   * recommendations were computed for (as gold's as-of date: a backfill of an earlier date folds
   * its data in but does not take the served recommendations back in time).
   */
  static LocalDate asOf(Optional<String> storedFingerprint, LocalDate logicalDate) {
    String marker = "|date=";
    return storedFingerprint
        .filter(f -> f.startsWith(SPEC.name() + "|") && f.contains(marker))
        .map(f -> f.substring(f.indexOf(marker) + marker.length()))
        .map(rest -> rest.substring(0, Math.max(0, rest.indexOf('|'))))
        .flatMap(RecommendationsJob::parseDate)
        .filter(stored -> stored.isAfter(logicalDate))
        .orElse(logicalDate);
  }

  private static Optional<LocalDate> parseDate(String text) {
    try {
      return Optional.of(LocalDate.parse(text));
    } catch (java.time.format.DateTimeParseException e) {
      return Optional.empty();
    }
  }

  static boolean reusable(String stored, Settings.Mining m, LocalDate date, int everyDays) {
    return minedFor(stored, m)
        .map(minedFor -> ChronoUnit.DAYS.between(minedFor, date))
        .filter(age -> age >= 0 && age < everyDays)
        .isPresent();
  }

  /**
   * The logical date rules were mined for, when {@code stored} is a mining fingerprint of {@code
   * m}.
   */
  static Optional<LocalDate> minedFor(String stored, Settings.Mining m) {
    String prefix = MINING + "|" + m + "|mined-for=";
    if (!stored.startsWith(prefix)) {
      return Optional.empty();
    }
    String rest = stored.substring(prefix.length());
    int end = rest.indexOf('|');
    return parseDate(end < 0 ? rest : rest.substring(0, end));
  }
}
