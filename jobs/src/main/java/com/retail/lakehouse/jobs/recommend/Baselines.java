package com.retail.lakehouse.jobs.recommend;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The simple recommenders every model is measured against, in the shape of {@link Recommender}'s
 * output ({@code household_id, rank, product_id, item, score, lift, because}).
 */
public final class Baselines {
  private Baselines() {}

  /** How many of the most popular products are tried for each household, as a multiple of N. */
  static final int POPULAR_CANDIDATES_PER_SLOT = 10;

  /**
   * "Buy again": each household's own most bought products, by the share of its baskets that hold
   * the product (then product id). {@code because} says how often.
   */
  public static Dataset<Row> buyAgain(Purchases history, int topN) {
    Dataset<Row> perHousehold =
        history.baskets().groupBy("household_id").agg(count(lit(1)).as("household_baskets"));
    Dataset<Row> candidates =
        history
            .products()
            .join(perHousehold, "household_id")
            .select(
                col("household_id"),
                col("product_id"),
                col("item"),
                col("baskets").divide(col("household_baskets")).as("score"),
                lit(null).cast("double").as("lift"),
                array(
                        format_string(
                            "bought in %d of %d baskets", col("baskets"), col("household_baskets")))
                    .as("because"));
    return Recommender.rank(candidates, topN);
  }

  /**
   * The most popular products (by households that bought them) each household has not bought. Only
   * the {@value #POPULAR_CANDIDATES_PER_SLOT} × N most popular products are candidates, so a
   * household that bought nearly all of them gets fewer than N.
   */
  public static Dataset<Row> popular(Purchases history, int topN) {
    Dataset<Row> households = history.households();
    long count = households.count();
    Dataset<Row> top =
        history
            .products()
            .groupBy("product_id")
            .agg(count(lit(1)).as("buyers"), first("item", true).as("item"))
            .orderBy(col("buyers").desc(), col("product_id"))
            .limit(POPULAR_CANDIDATES_PER_SLOT * topN);
    Dataset<Row> candidates =
        households
            .crossJoin(broadcast(top))
            .join(
                history.products().select("household_id", "product_id"),
                new String[] {"household_id", "product_id"},
                "left_anti")
            .select(
                col("household_id"),
                col("product_id"),
                col("item"),
                col("buyers").divide(lit(Math.max(count, 1))).as("score"),
                lit(null).cast("double").as("lift"),
                array(format_string("popular: bought by %d households", col("buyers")))
                    .as("because"));
    return Recommender.rank(candidates, topN);
  }
}
