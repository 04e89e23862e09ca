package com.retail.lakehouse.jobs.gold;

import static org.apache.spark.sql.functions.col;

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
    Columns.requireDatedLines(transactions);
    return Columns.salesTotals(
            Columns.withDepartment(transactions, products)
                .groupBy(
                    col("transaction_date").as("sales_date"),
                    col("basket_id"),
                    col("department"),
                    col("household_id")))
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
