package com.retail.lakehouse.jobs.shop;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code gold.order_sales_by_day}: per order date, UK postcode area and customer (their {@code
 * customer_key} pseudonym), the orders that count as sales and their revenue, as in {@code
 * gold.sales_by_region} (orders without a usable postcode under {@value OrderSales#UNKNOWN_AREA}).
 * The grain a date range over the map needs: orders, distinct customers and revenue per area over
 * any days are sums and a distinct count of these rows.
 */
public final class OrderSalesByDay {
  private OrderSalesByDay() {}

  /** Pure: {@code orders} is silver.orders. */
  public static Dataset<Row> summarize(Dataset<Row> orders) {
    OrderSales.require(
        orders, "order_id", "order_date", "postcode_area", "customer_key", "order_revenue");
    return OrderSales.withKnownPostcodeArea(OrderSales.filterSales(orders))
        .groupBy("order_date", "postcode_area", "customer_key")
        .agg(
            count("order_id").as("orders"),
            sum("order_revenue").cast(OrderSales.TOTAL).as("revenue"))
        .select("order_date", "postcode_area", "customer_key", "orders", "revenue");
  }
}
