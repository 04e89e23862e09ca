package com.retail.lakehouse.jobs.shop;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code gold.product_profit_by_day}: per order date and product sold that day in orders that count
 * as sales, the product's department, category and type (from silver.products; empty for a product
 * not in the catalogue yet), units, revenue and cost, as in {@code gold.product_profit}. The grain
 * a date range over the profit figures needs: margin over any days is the sum of revenue minus the
 * sum of cost.
 */
public final class ProductProfitByDay {
  private ProductProfitByDay() {}

  /** Pure: silver.orders, silver.order_lines and silver.products. */
  public static Dataset<Row> summarize(
      Dataset<Row> orders, Dataset<Row> lines, Dataset<Row> products) {
    OrderSales.require(products, "product_id", "department", "product_category", "product_type");
    return OrderSales.lineTotals(
            OrderSales.soldLines(orders, lines).groupBy("order_date", "product_id"))
        .join(
            products.select("product_id", "department", "product_category", "product_type"),
            "product_id",
            "left")
        .select(
            "order_date",
            "product_id",
            "department",
            "product_category",
            "product_type",
            "units",
            "revenue",
            "cost");
  }
}
