package com.retail.lakehouse.jobs.gold;

import static com.retail.lakehouse.jobs.gold.Columns.money;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.rank;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * {@code gold.product_performance}: per product, baskets, households, quantity, revenue, discounts,
 * rank.
 */
public final class ProductPerformance {
  private ProductPerformance() {}

  public static Dataset<Row> summarize(Dataset<Row> transactions, Dataset<Row> products) {
    Columns.require(
        transactions,
        "transactions",
        "product_id",
        "basket_id",
        "household_id",
        "quantity",
        "sales_value");
    Dataset<Row> perProduct =
        transactions
            .groupBy("product_id")
            .agg(
                count_distinct(col("basket_id")).as("baskets"),
                count_distinct(col("household_id")).as("households"),
                sum("quantity").cast("long").as("quantity"),
                money(sum("sales_value")).as("revenue"),
                money(sum(Columns.discount())).as("discounts"));
    return perProduct
        .join(
            products.select(
                "product_id", "department", "brand", "product_category", "product_type"),
            "product_id",
            "left")
        .withColumn("department", Columns.department())
        .withColumn("rank_by_baskets", rank().over(Window.orderBy(col("baskets").desc())))
        .select(
            "product_id",
            "department",
            "brand",
            "product_category",
            "product_type",
            "baskets",
            "households",
            "quantity",
            "revenue",
            "discounts",
            "rank_by_baskets")
        .orderBy("rank_by_baskets", "product_id");
  }
}
