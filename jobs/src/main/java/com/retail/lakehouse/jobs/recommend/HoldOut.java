package com.retail.lakehouse.jobs.recommend;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Tables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Runs the temporal hold-out of {@link Evaluation} for several models and records the figures in
 * {@code ops.recommendation_evaluations}; also the publish gate: the shipped model must not do
 * worse (MAP@K) than the popularity baseline.
 *
 * <p>The cut-off is the logical date minus {@code holdout-days}: the models are built from the
 * lines dated on or before it and judged on the {@code holdout-days} days after it, up to the
 * logical date.
 */
public final class HoldOut {
  private HoldOut() {}

  /** The row written for a gate's shipped model when it did worse than the baseline. */
  public static final String HOLD_BACK = "hold_back";

  public static final String PUBLISH = "publish";

  /** The baseline a shipped model must match. */
  public static final String BASELINE = "popular";

  public static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("evaluated_at", DataTypes.TimestampType, false)
          .add("purpose", DataTypes.StringType, false) // gate (the stage) or evaluation (command)
          .add("logical_date", DataTypes.DateType, false)
          .add("cutoff_date", DataTypes.DateType, false)
          .add("holdout_days", DataTypes.IntegerType, false)
          .add("item_level", DataTypes.StringType, false)
          .add("model", DataTypes.StringType, false)
          .add("k", DataTypes.IntegerType, false)
          .add("households", DataTypes.LongType, false)
          .add("precision_at_k", DataTypes.DoubleType, false)
          .add("recall_at_k", DataTypes.DoubleType, false)
          .add("map_at_k", DataTypes.DoubleType, false)
          .add("coverage", DataTypes.DoubleType, false)
          .add("seconds", DataTypes.DoubleType, false)
          .add("recommendations_fingerprint", DataTypes.StringType, true)
          .add("verdict", DataTypes.StringType, true)
          .add("rules_fingerprint", DataTypes.StringType, true)
          .add("parameters", DataTypes.StringType, true);

  /**
   * A gate's verdicts come from a measurement, or are carried from the one that judged the rules.
   */
  public static final String GATE = "gate";

  public static final String GATE_CARRIED = "gate-carried";

  /**
   * What a gate judged: the served model, the fingerprints of the recommendations it stands for and
   * of the rules they use, and the cut-off of the hold-out that measured it.
   */
  public record Judged(String shipped, String recommendations, String rules, LocalDate cutoff) {}

  /** One model's result. */
  public record Result(String model, Evaluation.Metrics metrics, double seconds) {}

  public static LocalDate cutoff(LocalDate logicalDate, Settings.Recommendations p) {
    return logicalDate.minusDays(p.holdoutDays());
  }

  /**
   * Builds each model from the split's training lines ({@code rules}: mined from them, null when no
   * model needs rules) and measures it on what was bought after the cut-off.
   */
  public static List<Result> evaluate(
      Evaluation.Split split, Dataset<Row> rules, List<String> models, Settings.Recommendations p) {
    Dataset<Row> truth = split.truth().persist(StorageLevel.MEMORY_AND_DISK());
    Purchases train = Purchases.of(split.train());
    Dataset<Row> itemProducts = Recommender.itemProducts(split.train());
    long catalogue = train.products().select("product_id").distinct().count();
    List<Result> results = new ArrayList<>();
    for (String model : models) {
      long started = System.nanoTime();
      Dataset<Row> recs =
          Models.recommend(model, train, rules, itemProducts, p)
              .persist(StorageLevel.MEMORY_AND_DISK());
      Evaluation.Metrics m = Evaluation.measure(recs, truth, p.topN(), catalogue);
      recs.unpersist();
      results.add(new Result(model, m, (System.nanoTime() - started) / 1e9));
    }
    train.release();
    truth.unpersist();
    return results;
  }

  /**
   * The gate's verdict for the shipped model: {@link #HOLD_BACK} when its MAP@K is below the
   * baseline's, {@link #PUBLISH} otherwise (also when it is the baseline).
   */
  public static String verdict(List<Result> results, String shipped) {
    double baseline = find(results, BASELINE).metrics().map();
    return find(results, shipped).metrics().map() < baseline ? HOLD_BACK : PUBLISH;
  }

  private static Result find(List<Result> results, String model) {
    return results.stream().filter(r -> r.model().equals(model)).findFirst().orElseThrow();
  }

  /**
   * The rows of {@code ops.recommendation_evaluations}; for a gate ({@code judged} not null), the
   * shipped model's row carries the verdict and the fingerprint of the recommendations it judged.
   */
  public static Dataset<Row> rows(
      SparkSession spark,
      List<Result> results,
      String runId,
      String purpose,
      LocalDate logicalDate,
      Settings.Recommendations p,
      Judged judged) {
    Timestamp now = Timestamp.from(Instant.now());
    String shipped = judged == null ? null : judged.shipped();
    String verdict = shipped == null ? null : verdict(results, shipped);
    LocalDate cutoff = judged == null ? cutoff(logicalDate, p) : judged.cutoff();
    List<Row> rows = new ArrayList<>();
    for (Result r : results) {
      boolean isShipped = r.model().equals(shipped);
      Evaluation.Metrics m = r.metrics();
      rows.add(
          RowFactory.create(
              runId,
              now,
              purpose,
              Date.valueOf(logicalDate),
              Date.valueOf(cutoff),
              p.holdoutDays(),
              p.itemLevel(),
              r.model(),
              p.topN(),
              m.households(),
              m.precision(),
              m.recall(),
              m.map(),
              m.coverage(),
              r.seconds(),
              isShipped ? judged.recommendations() : null,
              isShipped ? verdict : null,
              judged == null ? null : judged.rules(),
              p.toString()));
    }
    return spark.createDataFrame(rows, SCHEMA).coalesce(1);
  }

  /**
   * The measured gate (not a carried one) that judged these rules with these parameters, latest
   * first: its results and cut-off. Daily runs that reuse the week's rules carry its verdict rather
   * than measure again.
   */
  public static Optional<Map.Entry<List<Result>, LocalDate>> lastGate(
      SparkSession spark, Lake lake, String rulesFingerprint, Settings.Recommendations p) {
    if (!lake.exists(spark, Tables.OPS_RECOMMENDATION_EVALUATIONS)) {
      return Optional.empty();
    }
    Dataset<Row> gates =
        lake.read(spark, Tables.OPS_RECOMMENDATION_EVALUATIONS)
            .filter(col("purpose").equalTo(lit(GATE)))
            .filter(col("rules_fingerprint").equalTo(lit(rulesFingerprint)))
            .filter(col("parameters").equalTo(lit(p.toString())));
    List<Row> latest =
        gates.orderBy(col("evaluated_at").desc()).select("run_id").limit(1).collectAsList();
    if (latest.isEmpty()) {
      return Optional.empty();
    }
    List<Result> results = new ArrayList<>();
    LocalDate cutoff = null;
    for (Row r :
        gates
            .filter(col("run_id").equalTo(lit(latest.get(0).getString(0))))
            .select(
                "model",
                "households",
                "precision_at_k",
                "recall_at_k",
                "map_at_k",
                "coverage",
                "seconds",
                "cutoff_date")
            .collectAsList()) {
      results.add(
          new Result(
              r.getString(0),
              new Evaluation.Metrics(
                  r.getLong(1), r.getDouble(2), r.getDouble(3), r.getDouble(4), r.getDouble(5)),
              r.getDouble(6)));
      cutoff = r.getDate(7).toLocalDate();
    }
    boolean complete =
        results.stream().anyMatch(r -> r.model().equals(p.model()))
            && results.stream().anyMatch(r -> r.model().equals(BASELINE));
    return complete ? Optional.of(Map.entry(results, cutoff)) : Optional.empty();
  }

  /**
   * Why the recommendations now in the lake must not be published: the gate of the run that wrote
   * them (same fingerprint) found them worse than the baseline. Empty when they may be published,
   * including when no gate judged them (tables written by hand, or before the gate existed).
   */
  public static Optional<String> heldBack(SparkSession spark, Lake lake) {
    if (!lake.exists(spark, Tables.OPS_RECOMMENDATION_EVALUATIONS)) {
      return Optional.empty();
    }
    Optional<String> fingerprint = lake.fingerprint(spark, Tables.GOLD_CUSTOMER_RECOMMENDATIONS);
    if (fingerprint.isEmpty() || fingerprint.get() == null) {
      return Optional.empty();
    }
    List<Row> verdicts =
        lake.read(spark, Tables.OPS_RECOMMENDATION_EVALUATIONS)
            .filter(col("recommendations_fingerprint").equalTo(lit(fingerprint.get())))
            .orderBy(col("evaluated_at").desc())
            .select("verdict", "model", "map_at_k", "logical_date")
            .limit(1)
            .collectAsList();
    if (verdicts.isEmpty() || !HOLD_BACK.equals(verdicts.get(0).getString(0))) {
      return Optional.empty();
    }
    Row v = verdicts.get(0);
    return Optional.of(
        String.format(
            "customer_recommendations held back: model %s has MAP@K %.4f on the hold-out of %s,"
                + " below the %s baseline; the previous version stays served",
            v.getString(1), v.getDouble(2), v.getDate(3), BASELINE));
  }
}
