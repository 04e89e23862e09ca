package com.retail.lakehouse.jobs.recommend;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;

import org.apache.spark.ml.fpm.FPGrowth;
import org.apache.spark.ml.fpm.FPGrowthModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Market-basket mining with Spark ML's FP-Growth over {@code items: array<string>} baskets. */
public final class BasketMining {
  private BasketMining() {}

  /** Frequent itemsets and association rules mined from one set of baskets. */
  public record Mined(Dataset<Row> itemsets, Dataset<Row> rules, long baskets) {}

  /**
   * Transaction lines with an {@code item} column (see {@link #withItem}) become baskets: the
   * distinct items of each {@code basket_id}; baskets with more than {@code maxBasketSize} items
   * are left out.
   */
  public static Dataset<Row> toBaskets(Dataset<Row> linesWithItem, int maxBasketSize) {
    return linesWithItem
        .filter(col("item").isNotNull())
        .groupBy("basket_id")
        .agg(array_sort(collect_set(col("item"))).as("items"))
        .filter(size(col("items")).leq(maxBasketSize));
  }

  /**
   * Adds {@code item}: the product id itself at level {@code product}, or the catalogue's column
   * ({@code product_type}, {@code product_category}) of the product.
   */
  public static Dataset<Row> withItem(
      Dataset<Row> transactions, Dataset<Row> products, String level) {
    if (level.equals("product")) {
      return transactions.withColumn("item", col("product_id").cast("string"));
    }
    return transactions.join(
        products.select(col("product_id"), col(level).as("item")), "product_id", "left");
  }

  /**
   * Runs FP-Growth. Itemsets get {@code items, freq, support, size}; rules get {@code antecedent,
   * consequent, support, confidence, lift} (support of antecedent and consequent together).
   */
  public static Mined mine(Dataset<Row> baskets, double minSupport, double minConfidence) {
    long total = baskets.count();
    FPGrowthModel model =
        new FPGrowth()
            .setItemsCol("items")
            .setMinSupport(minSupport)
            .setMinConfidence(minConfidence)
            .fit(baskets);
    Dataset<Row> itemsets =
        model
            .freqItemsets()
            .select(
                array_sort(col("items")).as("items"),
                col("freq"),
                col("freq").divide(lit(Math.max(total, 1))).as("support"),
                size(col("items")).as("size"));
    Dataset<Row> rules =
        model
            .associationRules()
            .select(
                array_sort(col("antecedent")).as("antecedent"),
                element_at(col("consequent"), 1).as("consequent"),
                col("support"),
                col("confidence"),
                col("lift"));
    return new Mined(itemsets, rules, total);
  }
}
