package com.retail.lakehouse.jobs.gold;

import static com.retail.lakehouse.jobs.gold.Columns.money;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code gold.sales_by_day_product}: per day and product sold that day, its catalogue attributes,
 * baskets, households, quantity, revenue, discounts. The grain a date-range filter over products
 * needs (the dashboard's most and least bought products for a period).
 */
public final class SalesByDayProduct {
  private SalesByDayProduct() {}

  public static Dataset<Row> summarize(Dataset<Row> transactions, Dataset<Row> products) {
    Columns.require(
        transactions,
        "transactions",
        "transaction_date",
        "product_id",
        "basket_id",
        "household_id",
        "quantity",
        "sales_value");
    return transactions
        .groupBy(col("transaction_date").as("sales_date"), col("product_id"))
        .agg(
            count_distinct(col("basket_id")).as("baskets"),
            count_distinct(col("household_id")).as("households"),
            sum("quantity").cast("long").as("quantity"),
            money(sum("sales_value")).as("revenue"),
            money(sum(Columns.discount())).as("discounts"))
        .join(
            products.select("product_id", "department", "product_category", "product_type"),
            "product_id",
            "left")
        .withColumn("department", Columns.department())
        .withColumn("product_category", Columns.category())
        .select(
            "sales_date",
            "product_id",
            "department",
            "product_category",
            "product_type",
            "baskets",
            "households",
            "quantity",
            "revenue",
            "discounts")
        .orderBy("sales_date", "product_id");
  }
}
