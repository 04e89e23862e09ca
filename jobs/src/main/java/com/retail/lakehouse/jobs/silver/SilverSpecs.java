package com.retail.lakehouse.jobs.silver;

import static com.retail.lakehouse.common.quality.Field.key;
import static com.retail.lakehouse.common.quality.Field.optional;
import static com.retail.lakehouse.common.quality.FieldType.CENTS;
import static com.retail.lakehouse.common.quality.FieldType.DATE;
import static com.retail.lakehouse.common.quality.FieldType.INT;
import static com.retail.lakehouse.common.quality.FieldType.LONG;
import static com.retail.lakehouse.common.quality.FieldType.STRING;
import static com.retail.lakehouse.common.quality.FieldType.TIMESTAMP;
import static org.apache.spark.sql.functions.col;

import com.retail.lakehouse.common.quality.CleaningSpec;
import com.retail.lakehouse.common.quality.Reference;
import com.retail.lakehouse.common.quality.Rule;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The silver contract of each Complete Journey table: types, natural keys, rules, references. */
public final class SilverSpecs {
  private SilverSpecs() {}

  private static Rule negative(String column) {
    return new Rule("negative_" + column, col(column).lt(0));
  }

  private static Rule weekOutOfRange() {
    return new Rule("week_out_of_range", col("week").lt(1).or(col("week").gt(53)));
  }

  public static CleaningSpec products() {
    return new CleaningSpec(
        "products",
        List.of(
            key("product_id", LONG),
            optional("manufacturer_id", LONG),
            optional("department", STRING),
            optional("brand", STRING),
            optional("product_category", STRING),
            optional("product_type", STRING),
            optional("package_size", STRING)),
        List.of("product_id"),
        List.of(),
        List.of());
  }

  public static CleaningSpec demographics() {
    return new CleaningSpec(
        "demographics",
        List.of(
            key("household_id", LONG),
            optional("age", STRING),
            optional("income", STRING),
            optional("home_ownership", STRING),
            optional("marital_status", STRING),
            optional("household_size", STRING),
            optional("household_comp", STRING),
            optional("kids_count", STRING)),
        List.of("household_id"),
        List.of(),
        List.of());
  }

  /** {@code productIds}: one column of the known product ids. */
  public static CleaningSpec transactions(Dataset<Row> productIds) {
    return new CleaningSpec(
        "transactions",
        List.of(
            key("household_id", LONG),
            key("store_id", LONG),
            key("basket_id", LONG),
            key("product_id", LONG),
            key("quantity", INT),
            key("sales_value", CENTS),
            optional("retail_disc", CENTS),
            optional("coupon_disc", CENTS),
            optional("coupon_match_disc", CENTS),
            optional("week", INT),
            key("transaction_timestamp", TIMESTAMP)),
        List.of("basket_id", "product_id"),
        List.of(
            negative("quantity"),
            negative("sales_value"),
            new Rule(
                "negative_discount",
                anyNegative(col("retail_disc"), col("coupon_disc"), col("coupon_match_disc"))),
            weekOutOfRange()),
        List.of(new Reference("unknown_product", "product_id", productIds)));
  }

  public static CleaningSpec campaigns() {
    return new CleaningSpec(
        "campaign_descriptions",
        List.of(
            key("campaign_id", INT),
            optional("campaign_type", STRING),
            key("start_date", DATE),
            key("end_date", DATE)),
        List.of("campaign_id"),
        List.of(new Rule("end_before_start", col("end_date").lt(col("start_date")))),
        List.of());
  }

  public static CleaningSpec campaignHouseholds(
      Dataset<Row> campaignIds, Dataset<Row> householdIds) {
    return new CleaningSpec(
        "campaigns",
        List.of(key("campaign_id", INT), key("household_id", LONG)),
        List.of("campaign_id", "household_id"),
        List.of(),
        List.of(
            new Reference("unknown_campaign", "campaign_id", campaignIds),
            new Reference("unknown_household", "household_id", householdIds)));
  }

  public static CleaningSpec coupons(Dataset<Row> productIds, Dataset<Row> campaignIds) {
    return new CleaningSpec(
        "coupons",
        List.of(key("coupon_upc", LONG), key("product_id", LONG), key("campaign_id", INT)),
        List.of("coupon_upc", "product_id", "campaign_id"),
        List.of(),
        List.of(
            new Reference("unknown_product", "product_id", productIds),
            new Reference("unknown_campaign", "campaign_id", campaignIds)));
  }

  public static CleaningSpec couponRedemptions(
      Dataset<Row> householdIds, Dataset<Row> couponUpcs, Dataset<Row> campaignIds) {
    return new CleaningSpec(
        "coupon_redemptions",
        List.of(
            key("household_id", LONG),
            key("coupon_upc", LONG),
            key("campaign_id", INT),
            key("redemption_date", DATE)),
        List.of("household_id", "coupon_upc", "campaign_id", "redemption_date"),
        List.of(),
        List.of(
            new Reference("unknown_household", "household_id", householdIds),
            new Reference("unknown_coupon", "coupon_upc", couponUpcs),
            new Reference("unknown_campaign", "campaign_id", campaignIds)));
  }

  public static CleaningSpec promotions(Dataset<Row> productIds) {
    return new CleaningSpec(
        "promotions",
        List.of(
            key("product_id", LONG),
            key("store_id", LONG),
            optional("display_location", STRING),
            optional("mailer_location", STRING),
            key("week", INT)),
        List.of("product_id", "store_id", "week"),
        List.of(weekOutOfRange()),
        List.of(new Reference("unknown_product", "product_id", productIds)));
  }

  private static Column anyNegative(Column... columns) {
    Column any = null;
    for (Column c : columns) {
      any = any == null ? c.lt(0) : any.or(c.lt(0));
    }
    return any;
  }
}
