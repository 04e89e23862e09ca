package com.retail.lakehouse.jobs.shop;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code gold.sales_by_region}: orders, distinct customers and revenue per UK postcode area (the
 * letters of the outward code, for example {@code SW}), ready for a heat map. Orders without a
 * usable postcode fall under {@value #UNKNOWN}.
 */
public final class SalesByRegion {
  private SalesByRegion() {}

  public static final String UNKNOWN = OrderSales.UNKNOWN_AREA;

  /** Pure: {@code orders} is silver.orders. */
  public static Dataset<Row> summarize(Dataset<Row> orders) {
    OrderSales.require(orders, "order_id", "postcode_area", "customer_key", "order_revenue");
    return OrderSales.withKnownPostcodeArea(OrderSales.filterSales(orders))
        .groupBy("postcode_area")
        .agg(
            count("order_id").as("orders"),
            countDistinct("customer_key").as("customers"),
            sum("order_revenue").cast(OrderSales.TOTAL).as("revenue"))
        .select("postcode_area", "orders", "customers", "revenue");
  }
}
