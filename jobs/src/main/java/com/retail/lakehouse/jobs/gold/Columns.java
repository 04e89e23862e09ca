package com.retail.lakehouse.jobs.gold;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import com.retail.lakehouse.common.quality.FieldType;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.RelationalGroupedDataset;
import org.apache.spark.sql.Row;

/** Small column helpers shared by the gold transforms. */
public final class Columns {
  private Columns() {}

  /**
   * Label of products whose department or category the catalogue leaves empty, and of products not
   * in the catalogue yet (late-arriving).
   */
  public static final String UNKNOWN = "UNKNOWN";

  /** Column names as the Scala sequence a join on equal columns takes. */
  public static scala.collection.immutable.Seq<String> seq(String... names) {
    return scala.jdk.javaapi.CollectionConverters.asScala(java.util.List.of(names)).toList();
  }

  /** A sum of money columns, kept exact at two decimals. */
  public static Column money(Column c) {
    return c.cast(FieldType.MONEY);
  }

  /** Total discount of a transaction line (discounts are stored as positive amounts). */
  public static Column discount() {
    return coalesce(col("retail_disc"), lit(0))
        .plus(coalesce(col("coupon_disc"), lit(0)))
        .plus(coalesce(col("coupon_match_disc"), lit(0)));
  }

  /** The product's department, with {@value #UNKNOWN} for an empty one. */
  public static Column department() {
    return coalesce(col("department"), lit(UNKNOWN));
  }

  /** The product's category, with {@value #UNKNOWN} for an empty one or an unknown product. */
  public static Column category() {
    return coalesce(col("product_category"), lit(UNKNOWN));
  }

  /** The transactions with their product's department ({@value #UNKNOWN} when it has none). */
  public static Dataset<Row> withDepartment(Dataset<Row> transactions, Dataset<Row> products) {
    return transactions
        .join(products.select("product_id", "department"), "product_id", "left")
        .withColumn("department", department());
  }

  /** The columns of a transaction line the sales tables by day aggregate. */
  public static void requireDatedLines(Dataset<Row> transactions) {
    require(
        transactions,
        "transactions",
        "transaction_date",
        "product_id",
        "basket_id",
        "household_id",
        "quantity",
        "sales_value");
  }

  /**
   * Per group: its distinct baskets and households, and its lines' quantity, revenue and discounts.
   */
  public static Dataset<Row> salesFigures(RelationalGroupedDataset groups) {
    return groups.agg(
        count_distinct(col("basket_id")).as("baskets"),
        count_distinct(col("household_id")).as("households"),
        quantity(),
        revenue(),
        discounts());
  }

  /** Per group: its lines' quantity, revenue and discounts. */
  public static Dataset<Row> salesTotals(RelationalGroupedDataset groups) {
    return groups.agg(quantity(), revenue(), discounts());
  }

  private static Column quantity() {
    return sum("quantity").cast("long").as("quantity");
  }

  private static Column revenue() {
    return money(sum("sales_value")).as("revenue");
  }

  private static Column discounts() {
    return money(sum(discount())).as("discounts");
  }

  /**
   * Fails early, with the columns that are there, when an input lacks a column a transform needs.
   */
  public static void require(Dataset<Row> df, String what, String... columns) {
    List<String> present = Arrays.asList(df.columns());
    List<String> missing = Arrays.stream(columns).filter(c -> !present.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          what + " lacks columns " + missing + " (has " + present + ")");
    }
  }
}
