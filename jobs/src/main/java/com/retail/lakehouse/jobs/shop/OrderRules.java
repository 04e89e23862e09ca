package com.retail.lakehouse.jobs.shop;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import com.retail.lakehouse.common.quality.Cleaner;
import com.retail.lakehouse.common.quality.CleaningSpec;
import com.retail.lakehouse.common.quality.Expectation;
import com.retail.lakehouse.common.quality.FieldType;
import com.retail.lakehouse.common.quality.Rule;
import com.retail.lakehouse.common.quality.Severity;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The silver contract of the shop's orders: each rule an order version can fail, with its default
 * severity, declared as data and applied through the same mechanism as the Complete Journey
 * sources' ({@link Cleaner#withOutcome}); the configuration changes them under {@code
 * quality.rules.orders}. An order line naming a product not in the catalogue yet is a late-arriving
 * dimension: kept and flagged.
 */
public final class OrderRules {
  private OrderRules() {}

  /** The table name the rules and their configuration go by. */
  public static final String TABLE = "orders";

  /** Statuses the shop's orders can have. */
  static final Set<String> STATUSES =
      Set.of("placed", "paid", "shipped", "delivered", "cancelled", "refunded");

  private static final String UNKNOWN_PRODUCTS = "_unknown_products";

  /** Every rule, in the order a quarantined order lists those it failed. */
  public static List<Rule> rules() {
    Column orderId = blankAsNull(col("o.order_id"));
    Column updatedAt = blankAsNull(col("o.updated_at"));
    Column createdAt = blankAsNull(col("o.created_at"));
    return List.of(
        Rule.drop("malformed_json", col("o").isNull()),
        Rule.drop("missing:order_id", orderId.isNull()),
        Rule.drop("missing:updated_at", updatedAt.isNull()),
        Rule.drop(
            "invalid_timestamp:updated_at",
            updatedAt.isNotNull().and(updatedAt.try_cast(DataTypes.TimestampType).isNull())),
        Rule.drop("missing:created_at", createdAt.isNull()),
        Rule.drop(
            "invalid_timestamp:created_at",
            createdAt.isNotNull().and(createdAt.try_cast(DataTypes.TimestampType).isNull())),
        Rule.drop(
            "unknown_status", not(coalesce(col("o.status"), lit("")).isin(STATUSES.toArray()))),
        Rule.drop("missing:customer_id", blankAsNull(col("o.customer.customer_id")).isNull()),
        Rule.drop("no_lines", coalesce(size(col("o.lines")), lit(-1)).leq(0)),
        Rule.drop(
            "invalid_quantity",
            exists(
                col("o.lines"),
                l ->
                    coalesce(
                            l.getField("quantity").try_cast(DataTypes.IntegerType).leq(0),
                            lit(true))
                        .or(
                            l.getField("quantity")
                                .try_cast(DataTypes.IntegerType)
                                .notEqual(l.getField("quantity").try_cast(FieldType.MONEY))))),
        Rule.drop(
            "invalid_unit_price",
            exists(
                col("o.lines"),
                l ->
                    coalesce(l.getField("unit_price").try_cast(FieldType.MONEY).lt(0), lit(true)))),
        Rule.drop(
            "invalid_unit_cost",
            exists(
                col("o.lines"),
                l -> coalesce(l.getField("unit_cost").try_cast(FieldType.MONEY).lt(0), lit(true)))),
        Rule.warn("unknown_product", coalesce(col(UNKNOWN_PRODUCTS), lit(0)).equalTo(1)));
  }

  /** The rules with their default severities and thresholds. */
  public static List<Expectation> expectations() {
    return rules().stream()
        .map(
            r ->
                new Expectation(
                    TABLE,
                    r.name(),
                    r.severity(),
                    r.name().startsWith("missing:")
                            || r.name().startsWith("invalid_timestamp")
                            || r.name().equals("malformed_json")
                        ? CleaningSpec.LAYOUT_CHANGE_SHARE
                        : r.severity() == Severity.WARN ? 0.05 : 1))
        .toList();
  }

  /**
   * Checks every order version (rows with the parsed order in {@code o}): adds {@value
   * Cleaner#FAILED_RULES}, {@value Cleaner#DQ_FLAGS} and whether it is quarantined. A line's
   * product must be in {@code products} (silver.products, whose {@code product_id} is a long).
   */
  public static Dataset<Row> check(
      Dataset<Row> orders, Dataset<Row> products, List<Expectation> expectations) {
    Dataset<Row> keyed =
        orders.withColumn(
            "_row",
            org.apache.spark.sql.functions.concat_ws(
                "|",
                col("_batch_id").cast("string"),
                col("page_number").cast("string"),
                col("position").cast("string")));
    Dataset<Row> productIds = products.select(col("product_id").as("_known_product")).distinct();
    Dataset<Row> unknown =
        keyed
            .select(col("_row"), explode(col("o.lines")).as("l"))
            .join(
                productIds,
                col("l.product_id").try_cast(DataTypes.LongType).equalTo(col("_known_product")),
                "left")
            .groupBy("_row")
            .agg(max(col("_known_product").isNull().cast("int")).as(UNKNOWN_PRODUCTS));
    Dataset<Row> df = keyed.join(unknown, "_row", "left");
    return Cleaner.withOutcome(df, rules().stream().map(Cleaner::failure).toList(), expectations)
        .drop("_row", UNKNOWN_PRODUCTS);
  }

  static Column blankAsNull(Column c) {
    return when(trim(c).notEqual(lit("")), c);
  }
}
