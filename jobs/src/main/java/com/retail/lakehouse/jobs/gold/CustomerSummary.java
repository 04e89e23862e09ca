package com.retail.lakehouse.jobs.gold;

import static com.retail.lakehouse.jobs.gold.Columns.money;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percent_rank;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * {@code gold.customer_summary}: one row per household that bought anything up to the logical date,
 * with basket figures, RFM scores and segment, top department, coupons, campaigns and demographics.
 */
public final class CustomerSummary {
  private CustomerSummary() {}

  /**
   * @param transactions silver.transactions
   * @param products silver.products
   * @param households silver.households
   * @param redemptions silver.coupon_redemptions
   * @param campaignHouseholds silver.campaign_households
   * @param logicalDate only what happened on or before this date counts; recency is measured from
   *     it
   */
  public static Dataset<Row> summarize(
      Dataset<Row> transactions,
      Dataset<Row> products,
      Dataset<Row> households,
      Dataset<Row> redemptions,
      Dataset<Row> campaignHouseholds,
      LocalDate logicalDate) {
    return score(
        base(transactions, products, households, redemptions, campaignHouseholds, logicalDate),
        logicalDate);
  }

  /** The columns of a household's row that depend on its own history only. */
  public static final List<String> BASE_COLUMNS =
      List.of(
          "household_id",
          "baskets",
          "items",
          "total_spend",
          "first_purchase",
          "last_purchase",
          "top_department",
          "coupons_redeemed",
          "campaigns_received",
          "has_demographics",
          "age",
          "income",
          "home_ownership",
          "marital_status",
          "household_size",
          "household_comp",
          "kids_count");

  /**
   * Per household with purchases up to the logical date, the figures of its own history ({@link
   * #BASE_COLUMNS}): an incremental run recomputes them for the households that changed only.
   */
  public static Dataset<Row> base(
      Dataset<Row> transactions,
      Dataset<Row> products,
      Dataset<Row> households,
      Dataset<Row> redemptions,
      Dataset<Row> campaignHouseholds,
      LocalDate logicalDate) {
    Columns.require(
        transactions,
        "transactions",
        "household_id",
        "basket_id",
        "product_id",
        "quantity",
        "sales_value",
        "transaction_date");
    Column asOf = lit(Date.valueOf(logicalDate));
    Dataset<Row> tx = transactions.filter(col("transaction_date").leq(asOf));

    Dataset<Row> perHousehold =
        tx.groupBy("household_id")
            .agg(
                count_distinct(col("basket_id")).as("baskets"),
                sum("quantity").cast("long").as("items"),
                money(sum("sales_value")).as("total_spend"),
                min("transaction_date").as("first_purchase"),
                max("transaction_date").as("last_purchase"));

    Dataset<Row> coupons =
        redemptions
            .filter(col("redemption_date").leq(asOf))
            .groupBy("household_id")
            .agg(count(lit(1)).as("coupons_redeemed"));
    Dataset<Row> campaigns =
        campaignHouseholds
            .groupBy("household_id")
            .agg(count_distinct(col("campaign_id")).as("campaigns_received"));
    Dataset<Row> demographics =
        households.select(
            "household_id",
            "age",
            "income",
            "home_ownership",
            "marital_status",
            "household_size",
            "household_comp",
            "kids_count",
            "has_demographics");

    return perHousehold
        .join(topDepartment(tx, products), "household_id", "left")
        .join(coupons, "household_id", "left")
        .join(campaigns, "household_id", "left")
        .join(demographics, "household_id", "left")
        .withColumn("coupons_redeemed", coalesce(col("coupons_redeemed"), lit(0L)))
        .withColumn("campaigns_received", coalesce(col("campaigns_received"), lit(0L)))
        .withColumn("has_demographics", coalesce(col("has_demographics"), lit(false)))
        .select(BASE_COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /**
   * The whole table from every household's base figures: basket value, recency from the logical
   * date, and the RFM scores and segment, which rank each household among all of them.
   */
  public static Dataset<Row> score(Dataset<Row> base, LocalDate logicalDate) {
    Column asOf = lit(Date.valueOf(logicalDate));
    return base.withColumn(
            "avg_basket_value", money(round(col("total_spend").divide(col("baskets")), 2)))
        .withColumn("recency_days", datediff(asOf, col("last_purchase")))
        .withColumn("frequency", col("baskets"))
        .withColumn("monetary", col("total_spend"))
        .withColumn("r_score", quintile(col("recency_days").desc()))
        .withColumn("f_score", quintile(col("frequency").asc()))
        .withColumn("m_score", quintile(col("monetary").asc()))
        .withColumn("rfm_score", concat(col("r_score"), col("f_score"), col("m_score")))
        .withColumn("rfm_segment", segment(col("r_score"), col("f_score")))
        .select(
            "household_id",
            "baskets",
            "items",
            "total_spend",
            "avg_basket_value",
            "first_purchase",
            "last_purchase",
            "recency_days",
            "frequency",
            "monetary",
            "r_score",
            "f_score",
            "m_score",
            "rfm_score",
            "rfm_segment",
            "top_department",
            "coupons_redeemed",
            "campaigns_received",
            "has_demographics",
            "age",
            "income",
            "home_ownership",
            "marital_status",
            "household_size",
            "household_comp",
            "kids_count")
        .orderBy("household_id");
  }

  /**
   * Score 1..5 by the household's position in the given order: the bottom fifth scores 1, the top
   * fifth 5; equal values get equal scores.
   */
  static Column quintile(Column order) {
    Column rank = percent_rank().over(Window.orderBy(order));
    return least(lit(5), floor(rank.multiply(5)).plus(1)).cast("int");
  }

  /** The RFM segment from the recency and frequency scores. */
  static Column segment(Column r, Column f) {
    return when(r.geq(4).and(f.geq(4)), "Champions")
        .when(r.geq(3).and(f.geq(3)), "Loyal")
        .when(r.geq(4), "Promising")
        .when(r.equalTo(3), "Needs attention")
        .when(f.geq(3), "At risk")
        .when(r.equalTo(2), "Hibernating")
        .otherwise("Lost");
  }

  /** The department a household spent most in (ties: the first by name). */
  static Dataset<Row> topDepartment(Dataset<Row> tx, Dataset<Row> products) {
    return tx.join(products.select("product_id", "department"), "product_id", "left")
        .withColumn("department", Columns.department())
        .groupBy("household_id", "department")
        .agg(sum("sales_value").as("spend"))
        .withColumn(
            "rn",
            row_number()
                .over(
                    Window.partitionBy("household_id")
                        .orderBy(col("spend").desc(), col("department"))))
        .filter(col("rn").equalTo(1))
        .select(col("household_id"), col("department").as("top_department"));
  }
}
