package com.retail.lakehouse.jobs.recommend;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.JobOptions;
import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.spark.Sessions;
import java.io.PrintStream;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.kohsuke.args4j.CmdLineException;
import org.kohsuke.args4j.CmdLineParser;
import org.kohsuke.args4j.Option;

/**
 * The temporal hold-out of every recommender ({@link Settings.Recommendations#MODELS}): built from
 * the history up to the logical date minus {@code holdout-days}, judged on what each household
 * bought in the days after, up to the logical date. Prints precision@K, recall@K, MAP@K and
 * coverage per model and appends them to {@code ops.recommendation_evaluations}. Runs on a cluster
 * with spark-submit (this class) and locally as {@code bin/pipeline evaluate-recommendations}.
 */
public final class EvaluateRecommendations {
  private EvaluateRecommendations() {}

  /** The stage options, and which models to evaluate. */
  public static class Options extends JobOptions {
    @Option(
        name = "--models",
        metaVar = "M,M",
        usage = "models to evaluate, comma-separated: rules, buy-again, popular, als, blend (all)")
    public String models = String.join(",", Settings.Recommendations.MODELS);

    /** The models asked for; an unknown one is a {@link UserError}. */
    public List<String> modelList() {
      List<String> list = List.of(models.split(",")).stream().map(String::trim).toList();
      for (String m : list) {
        if (!Settings.Recommendations.MODELS.contains(m)) {
          throw new UserError(
              "--models: unknown model '"
                  + m
                  + "' (expected "
                  + String.join(", ", Settings.Recommendations.MODELS)
                  + ")");
        }
      }
      return list;
    }
  }

  public static void main(String[] args) {
    Options options = new Options();
    JobContext ctx;
    List<String> models;
    try {
      new CmdLineParser(options).parseArgument(args);
      ctx = options.context();
      models = options.modelList();
    } catch (CmdLineException | UserError e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    SparkSession spark =
        Sessions.create("retail-lakehouse-evaluate-recommendations", ctx.settings());
    run(spark, ctx, models, System.out);
  }

  /** Evaluates the models, prints their figures, records them; returns them. */
  public static List<HoldOut.Result> run(
      SparkSession spark, JobContext ctx, List<String> models, PrintStream out) {
    Lake lake = ctx.lake();
    lake.requireTables(
        spark, List.of(Tables.SILVER_TRANSACTIONS, Tables.SILVER_PRODUCTS), "silver");
    Settings.Recommendations p = ctx.settings().recommendations();
    LocalDate date = ctx.logicalDate();
    LocalDate cutoff = HoldOut.cutoff(date, p);
    Dataset<Row> lines =
        Models.history(spark, lake, date, p.itemLevel()).persist(StorageLevel.MEMORY_AND_DISK());
    Evaluation.Split split = Evaluation.split(lines, cutoff, date);
    if (split.truth().isEmpty()) {
      throw new UserError(
          "nothing was bought after the cut-off "
              + cutoff
              + " up to "
              + date
              + " by a household seen before it: choose --date or recommendations.holdout-days");
    }
    Dataset<Row> rules = null;
    BasketMining.Mined mined = null;
    if (models.stream().anyMatch(Models::usesRules)) {
      long started = System.nanoTime();
      Dataset<Row> baskets =
          BasketMining.toBaskets(
              lines.filter(col("transaction_date").leq(lit(Date.valueOf(cutoff)))),
              p.mining().maxBasketSize());
      mined = BasketMining.mine(baskets, p.mining());
      rules = mined.rules();
      out.printf(
          "mined %,d baskets up to %s at %s level in %.1f s: %,d itemsets (min support %,d"
              + " baskets), %,d rules found, %,d kept%n",
          mined.baskets(),
          cutoff,
          p.itemLevel(),
          (System.nanoTime() - started) / 1e9,
          mined.itemsetsFound(),
          mined.minSupportBaskets(),
          mined.rulesFound(),
          mined.rulesKept());
    }
    List<HoldOut.Result> results = HoldOut.evaluate(split, rules, models, p);
    lake.append(
        Tables.OPS_RECOMMENDATION_EVALUATIONS,
        HoldOut.rows(spark, results, ctx.runId(), "evaluation", date, p, null));
    out.printf(
        "hold-out: built up to %s, judged on %s to %s, K = %d, %,d households%n",
        cutoff, cutoff.plusDays(1), date, p.topN(), results.get(0).metrics().households());
    out.printf(
        "%-10s %12s %12s %10s %10s %9s%n",
        "model", "precision@K", "recall@K", "MAP@K", "coverage", "seconds");
    for (HoldOut.Result r : results) {
      Evaluation.Metrics m = r.metrics();
      out.printf(
          "%-10s %12.4f %12.4f %10.4f %10.4f %9.1f%n",
          r.model(), m.precision(), m.recall(), m.map(), m.coverage(), r.seconds());
    }
    if (mined != null) {
      mined.release();
    }
    lines.unpersist();
    return results;
  }
}
