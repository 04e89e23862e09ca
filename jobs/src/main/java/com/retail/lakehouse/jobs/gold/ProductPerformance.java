package com.retail.lakehouse.jobs.gold;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * {@code gold.product_performance}: per product sold, baskets, households, quantity, revenue,
 * discounts and its rank by baskets. A product missing from the catalogue (a late-arriving
 * dimension) is shown under the department and category {@value Columns#UNKNOWN}.
 */
public final class ProductPerformance {
  private ProductPerformance() {}

  /** The columns of a product's row that depend on its own sales only. */
  public static final List<String> BASE_COLUMNS =
      List.of(
          "product_id",
          "department",
          "brand",
          "product_category",
          "product_type",
          "baskets",
          "households",
          "quantity",
          "revenue",
          "discounts");

  public static Dataset<Row> summarize(Dataset<Row> transactions, Dataset<Row> products) {
    return rank(base(transactions, products));
  }

  /** Per product, its figures and catalogue attributes ({@link #BASE_COLUMNS}). */
  public static Dataset<Row> base(Dataset<Row> transactions, Dataset<Row> products) {
    Columns.require(
        transactions,
        "transactions",
        "product_id",
        "basket_id",
        "household_id",
        "quantity",
        "sales_value");
    Dataset<Row> perProduct = Columns.salesFigures(transactions.groupBy("product_id"));
    return perProduct
        .join(
            products.select(
                "product_id", "department", "brand", "product_category", "product_type"),
            "product_id",
            "left")
        .withColumn("department", Columns.department())
        .withColumn("product_category", Columns.category())
        .select(BASE_COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /**
   * The base rows of the products that {@code added} lines sell, from their {@code stored} base
   * rows and those lines alone: baskets (a basket holds a product once, so a line is a basket),
   * quantity, revenue and discounts add up; households grow by those new to the product, the added
   * lines' households that none of the {@code earlier} lines (the product's sales the stored rows
   * count) holds. For lines added to an unchanged catalogue: the attributes are those of {@link
   * #base}.
   */
  public static Dataset<Row> plus(
      Dataset<Row> stored, Dataset<Row> added, Dataset<Row> earlier, Dataset<Row> products) {
    Dataset<Row> pairs = added.select("product_id", "household_id").distinct();
    Dataset<Row> known =
        earlier
            .select("product_id", "household_id")
            .join(broadcast(pairs), Columns.seq("product_id", "household_id"), "left_semi")
            .distinct();
    Dataset<Row> newcomers =
        pairs
            .join(known, Columns.seq("product_id", "household_id"), "left_anti")
            .groupBy("product_id")
            .agg(count(lit(1)).as("newcomers"));
    Dataset<Row> d = base(added, products).as("d");
    return d.join(stored.as("s"), Columns.seq("product_id"), "left")
        .join(newcomers, Columns.seq("product_id"), "left")
        .select(
            col("product_id"),
            col("d.department").as("department"),
            col("d.brand").as("brand"),
            col("d.product_category").as("product_category"),
            col("d.product_type").as("product_type"),
            col("d.baskets").plus(coalesce(col("s.baskets"), lit(0L))).as("baskets"),
            coalesce(col("s.households"), lit(0L))
                .plus(coalesce(col("newcomers"), lit(0L)))
                .as("households"),
            col("d.quantity").plus(coalesce(col("s.quantity"), lit(0L))).as("quantity"),
            Columns.money(col("d.revenue").plus(coalesce(col("s.revenue"), lit(0)))).as("revenue"),
            Columns.money(col("d.discounts").plus(coalesce(col("s.discounts"), lit(0))))
                .as("discounts"));
  }

  /**
   * Adds {@code rank_by_baskets}: 1 + the number of products in more baskets (equal counts rank
   * equally). Ranked through the distinct basket counts, a small table, rather than a window over
   * every product.
   */
  public static Dataset<Row> rank(Dataset<Row> base) {
    Dataset<Row> ranks =
        base.groupBy("baskets")
            .agg(count(lit(1)).as("_products"))
            .withColumn(
                "rank_by_baskets",
                coalesce(
                        sum("_products")
                            .over(
                                Window.orderBy(col("baskets").desc())
                                    .rowsBetween(Window.unboundedPreceding(), -1)),
                        lit(0L))
                    .plus(1)
                    .cast("int"))
            .drop("_products");
    return base.join(ranks, "baskets")
        .select(
            "product_id",
            "department",
            "brand",
            "product_category",
            "product_type",
            "baskets",
            "households",
            "quantity",
            "revenue",
            "discounts",
            "rank_by_baskets")
        .orderBy("rank_by_baskets", "product_id");
  }
}
