package com.retail.lakehouse.jobs.gold;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code gold.sales_by_day_department}: per day and department, baskets, households, quantity,
 * revenue, discounts.
 */
public final class SalesByDayDepartment {
  private SalesByDayDepartment() {}

  public static Dataset<Row> summarize(Dataset<Row> transactions, Dataset<Row> products) {
    Columns.requireDatedLines(transactions);
    return Columns.salesFigures(
            Columns.withDepartment(transactions, products)
                .groupBy(col("transaction_date").as("sales_date"), col("department")))
        .orderBy("sales_date", "department");
  }
}
