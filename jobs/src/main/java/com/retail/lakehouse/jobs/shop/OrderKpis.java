package com.retail.lakehouse.jobs.shop;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code gold.order_kpis}: per order date and channel, the orders that count as sales, their
 * distinct customers, revenue, and average spend per customer (revenue / customers, rounded half up
 * to cents).
 */
public final class OrderKpis {
  private OrderKpis() {}

  /** Pure: {@code orders} is silver.orders. */
  public static Dataset<Row> summarize(Dataset<Row> orders) {
    OrderSales.require(
        orders, "order_id", "order_date", "channel", "customer_key", "order_revenue");
    return OrderSales.filterSales(orders)
        .groupBy("order_date", "channel")
        .agg(
            count("order_id").as("orders"),
            countDistinct("customer_key").as("customers"),
            sum("order_revenue").cast(OrderSales.TOTAL).as("revenue"))
        .withColumn(
            "avg_customer_spend",
            round(col("revenue").divide(col("customers")), 2).cast(OrderSales.TOTAL))
        .select("order_date", "channel", "orders", "customers", "revenue", "avg_customer_spend");
  }
}
