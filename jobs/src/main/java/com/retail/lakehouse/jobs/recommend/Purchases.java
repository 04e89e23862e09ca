package com.retail.lakehouse.jobs.recommend;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * A history of transaction lines summed once for every recommender that reads it: per household and
 * product, and per household and basket. The models built on the same history (the gate's model and
 * baseline, the blend's two lists) share both, instead of each grouping the lines again.
 *
 * @param products {@code household_id, product_id, item, baskets}: the baskets of the household
 *     holding the product (a basket holds a product once: silver's key)
 * @param baskets {@code household_id, basket_id, at, items}: the basket's latest line's time and
 *     its distinct known items, sorted (empty when the catalogue knows none of its products)
 */
public record Purchases(Dataset<Row> products, Dataset<Row> baskets) {

  /**
   * @param lines {@code household_id, basket_id, product_id, item, transaction_timestamp}
   */
  public static Purchases of(Dataset<Row> lines) {
    return new Purchases(
        lines
            .groupBy("household_id", "product_id")
            .agg(count(lit(1)).as("baskets"), first("item", true).as("item"))
            .persist(StorageLevel.MEMORY_AND_DISK()),
        lines
            .groupBy("household_id", "basket_id")
            .agg(
                max("transaction_timestamp").as("at"),
                array_sort(collect_set(col("item"))).as("items"))
            .persist(StorageLevel.MEMORY_AND_DISK()));
  }

  /** The households of the history. */
  public Dataset<Row> households() {
    return products.select("household_id").distinct();
  }

  public void release() {
    products.unpersist();
    baskets.unpersist();
  }
}
