package com.retail.lakehouse.jobs.shop;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
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

  static void require(Dataset<Row> df, String... columns) {
    List<String> present = Arrays.asList(df.columns());
    List<String> missing = Arrays.stream(columns).filter(c -> !present.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "input lacks columns " + missing + " (has " + present + ")");
    }
  }
}
