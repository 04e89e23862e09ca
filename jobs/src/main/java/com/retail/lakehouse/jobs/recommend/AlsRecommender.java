package com.retail.lakehouse.jobs.recommend;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Spark MLlib's ALS on implicit feedback (Hu, Koren and Volinsky): the preference of a household
 * for a product is the number of its baskets holding it. Products it bought are not excluded (ALS
 * ranks them high, as "buy again" does). Fixed parameters: rank {@value #RANK}, {@value
 * #ITERATIONS} iterations, regularisation {@value #REG_PARAM}, confidence weight alpha {@value
 * #ALPHA}, seed 42, so a rerun gives the same model.
 */
public final class AlsRecommender {
  static final int RANK = 20;
  static final int ITERATIONS = 10;
  static final double REG_PARAM = 0.1;
  static final double ALPHA = 10.0;

  private AlsRecommender() {}

  /**
   * @param history the purchases; household and product ids must fit in an int
   * @return {@code household_id, rank, product_id, item, score, lift, because}
   */
  public static Dataset<Row> recommend(Purchases history, int topN) {
    Dataset<Row> ratings =
        history
            .products()
            .select(
                col("household_id"), col("product_id"), col("baskets").cast("float").as("rating"));
    ALSModel model =
        new ALS()
            .setImplicitPrefs(true)
            .setUserCol("household_id")
            .setItemCol("product_id")
            .setRatingCol("rating")
            .setRank(RANK)
            .setMaxIter(ITERATIONS)
            .setRegParam(REG_PARAM)
            .setAlpha(ALPHA)
            .setColdStartStrategy("drop")
            .setSeed(42)
            .fit(ratings);
    Dataset<Row> items =
        history.products().groupBy("product_id").agg(first("item", true).as("item"));
    Dataset<Row> candidates =
        model
            .recommendForAllUsers(topN)
            .select(col("household_id"), explode(col("recommendations")).as("r"))
            .select(
                col("household_id"),
                col("r.product_id").cast("long").as("product_id"),
                col("r.rating").cast("double").as("score"))
            .join(items, "product_id")
            .withColumn("lift", lit(null).cast("double"))
            .withColumn("because", array(lit("bought by households that buy what you buy")));
    return Recommender.rank(candidates, topN);
  }
}
