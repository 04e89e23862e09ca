package com.retail.lakehouse.jobs.gold;

import static com.retail.lakehouse.jobs.gold.Columns.money;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code gold.sales_by_day_department}: per day and department, baskets, households, quantity,
 * revenue, discounts.
 */
public final class SalesByDayDepartment {
  private SalesByDayDepartment() {}

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
        .join(products.select("product_id", "department"), "product_id", "left")
        .withColumn("department", Columns.department())
        .groupBy(col("transaction_date").as("sales_date"), col("department"))
        .agg(
            count_distinct(col("basket_id")).as("baskets"),
            count_distinct(col("household_id")).as("households"),
            sum("quantity").cast("long").as("quantity"),
            money(sum("sales_value")).as("revenue"),
            money(sum(Columns.discount())).as("discounts"))
        .orderBy("sales_date", "department");
  }
}
