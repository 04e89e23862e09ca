package com.retail.lakehouse.jobs.shop;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * {@code gold.product_profit}: per product of the shared catalogue (silver.products), the units
 * sold in orders that count as sales, revenue, cost, margin (revenue - cost) and margin as a
 * percentage of revenue, with three ranks (1 = first; ties broken by product id): most bought and
 * least bought by units, and highest profit by margin.
 */
public final class ProductProfit {
  private ProductProfit() {}

  /** Pure: silver.orders, silver.order_lines and silver.products. */
  public static Dataset<Row> summarize(
      Dataset<Row> orders, Dataset<Row> lines, Dataset<Row> products) {
    OrderSales.require(products, "product_id", "department", "product_type");
    Dataset<Row> totals =
        OrderSales.lineTotals(OrderSales.soldLines(orders, lines).groupBy("product_id"))
            .withColumn("margin", col("revenue").minus(col("cost")).cast(OrderSales.TOTAL))
            .withColumn(
                "margin_pct",
                when(
                        col("revenue").notEqual(lit(0)),
                        round(col("margin").multiply(lit(100)).divide(col("revenue")), 2))
                    .cast("decimal(7,2)"));
    return totals
        .join(products.select("product_id", "department", "product_type"), "product_id", "left")
        .withColumn(
            "rank_most_bought",
            row_number().over(Window.orderBy(col("units").desc(), col("product_id"))))
        .withColumn(
            "rank_least_bought",
            row_number().over(Window.orderBy(col("units").asc(), col("product_id"))))
        .withColumn(
            "rank_profit",
            row_number().over(Window.orderBy(col("margin").desc(), col("product_id"))))
        .select(
            "product_id",
            "department",
            "product_type",
            "units",
            "revenue",
            "cost",
            "margin",
            "margin_pct",
            "rank_most_bought",
            "rank_least_bought",
            "rank_profit");
  }
}
