package com.retail.lakehouse.jobs.shop;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.RelationalGroupedDataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/** What counts as a sale among the shop's orders, shared by the order gold transforms. */
public final class OrderSales {
  private OrderSales() {}

  /**
   * Statuses that are not sales: a cancelled order was never paid for or shipped, a refunded one
   * was paid back. Placed, paid, shipped and delivered orders count.
   */
  public static final List<String> NOT_SALES = List.of("cancelled", "refunded");

  /** Money totals in gold. */
  public static final DecimalType TOTAL = DataTypes.createDecimalType(14, 2);

  /** Keeps the orders that count as sales. */
  public static Dataset<Row> filterSales(Dataset<Row> orders) {
    require(orders, "status");
    return orders.filter(not(col("status").isin(NOT_SALES.toArray())));
  }

  /** The postcode area written for an order without a usable postcode. */
  public static final String UNKNOWN_AREA = "UNKNOWN";

  /** Orders without a usable postcode get {@link #UNKNOWN_AREA} as their postcode area. */
  static Dataset<Row> withKnownPostcodeArea(Dataset<Row> orders) {
    require(orders, "postcode_area");
    return orders.withColumn("postcode_area", coalesce(col("postcode_area"), lit(UNKNOWN_AREA)));
  }

  /**
   * The order lines of the orders that count as sales, each with its order's {@code order_date}.
   */
  static Dataset<Row> soldLines(Dataset<Row> orders, Dataset<Row> lines) {
    require(orders, "order_id", "status", "order_date");
    require(lines, "order_id", "product_id", "quantity", "revenue", "cost");
    return lines.join(filterSales(orders).select("order_id", "order_date"), "order_id");
  }

  /** Units, revenue and cost of the sold lines in each group (see {@link #soldLines}). */
  static Dataset<Row> lineTotals(RelationalGroupedDataset soldLines) {
    return soldLines.agg(
        sum("quantity").cast("long").as("units"),
        sum("revenue").cast(TOTAL).as("revenue"),
        sum("cost").cast(TOTAL).as("cost"));
  }

  static void require(Dataset<Row> df, String... columns) {
    List<String> present = Arrays.asList(df.columns());
    List<String> missing = Arrays.stream(columns).filter(c -> !present.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "input lacks columns " + missing + " (has " + present + ")");
    }
  }
}
