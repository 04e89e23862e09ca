package com.retail.lakehouse.jobs.local;

import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.spark.Sessions;
import com.retail.lakehouse.jobs.recommend.EvaluateRecommendations;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bin/pipeline evaluate-recommendations}: the temporal hold-out of the recommenders, printed
 * and recorded in {@code ops.recommendation_evaluations}.
 */
final class EvaluateRecommendationsCommand implements Command {
  @Override
  public String name() {
    return "evaluate-recommendations";
  }

  @Override
  public String summary() {
    return "hold-out precision@K, recall@K, MAP@K, coverage of every recommender\n"
        + "(rules, buy-again, popular, ALS, blend) into ops.recommendation_evaluations";
  }

  @Override
  public int run(String[] args, Console console) {
    EvaluateRecommendations.Options options =
        console.parse(new EvaluateRecommendations.Options(), args, name());
    if (console.help(options, name() + " [--models M,M] [--date D] [--lake DIR]", options.help)) {
      return 0;
    }
    JobContext ctx = options.context();
    List<String> models = options.modelList();
    SparkSession spark = Sessions.create("retail-lakehouse-" + name(), ctx.settings());
    EvaluateRecommendations.run(spark, ctx, models, console.out());
    return 0;
  }
}
