package com.retail.lakehouse.jobs.gold;

import static org.apache.spark.sql.functions.col;

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
    Columns.requireDatedLines(transactions);
    return Columns.salesFigures(
            transactions.groupBy(col("transaction_date").as("sales_date"), col("product_id")))
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
