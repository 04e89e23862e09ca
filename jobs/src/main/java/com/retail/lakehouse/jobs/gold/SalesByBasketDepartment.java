package com.retail.lakehouse.jobs.gold;

import static com.retail.lakehouse.jobs.gold.Columns.money;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code gold.sales_by_basket_department}: per basket and department it holds, the day, the
 * household, quantity, revenue and discounts. The grain at which baskets and households can be
 * counted exactly over any date range and any set of departments (a household or a basket counted
 * once however many days or departments it spans), which sums over the tables by day cannot do.
 */
public final class SalesByBasketDepartment {
  private SalesByBasketDepartment() {}

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
        .groupBy(
            col("transaction_date").as("sales_date"),
            col("basket_id"),
            col("department"),
            col("household_id"))
        .agg(
            sum("quantity").cast("long").as("quantity"),
            money(sum("sales_value")).as("revenue"),
            money(sum(Columns.discount())).as("discounts"))
        .select(
            "sales_date",
            "basket_id",
            "department",
            "household_id",
            "quantity",
            "revenue",
            "discounts");
  }
}
