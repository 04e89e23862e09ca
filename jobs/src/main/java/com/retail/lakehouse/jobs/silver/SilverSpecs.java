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

import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.quality.CleaningSpec;
import com.retail.lakehouse.common.quality.Reference;
import com.retail.lakehouse.common.quality.Rule;
import com.retail.lakehouse.common.quality.Severity;
import java.util.List;
import org.apache.spark.sql.Column;

/** The silver contract of each Complete Journey table: types, natural keys, rules, references. */
public final class SilverSpecs {
  private SilverSpecs() {}

  private static Rule negative(String column) {
    return Rule.drop("negative_" + column, col(column).lt(0));
  }

  /** The study's week number is derived data: a value off the calendar is worth a flag only. */
  private static Rule weekOutOfRange() {
    return Rule.warn("week_out_of_range", col("week").lt(1).or(col("week").gt(53)));
  }

  /**
   * A fact naming a dimension row that is not (yet) there: kept and flagged, resolved when the
   * dimension arrives (a late-arriving dimension).
   */
  private static Reference lateArriving(String rule, String column, TableId dimension) {
    return new Reference(rule, column, dimension, column, Severity.WARN);
  }

  private static Reference unknownProduct() {
    return lateArriving("unknown_product", "product_id", Tables.SILVER_PRODUCTS);
  }

  private static Reference unknownHousehold() {
    return lateArriving("unknown_household", "household_id", Tables.SILVER_HOUSEHOLDS);
  }

  private static Reference unknownCampaign() {
    return lateArriving("unknown_campaign", "campaign_id", Tables.SILVER_CAMPAIGNS);
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

  public static CleaningSpec transactions() {
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
            Rule.drop(
                "negative_discount",
                anyNegative(col("retail_disc"), col("coupon_disc"), col("coupon_match_disc"))),
            weekOutOfRange()),
        List.of(unknownProduct()));
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
        List.of(Rule.drop("end_before_start", col("end_date").lt(col("start_date")))),
        List.of());
  }

  public static CleaningSpec campaignHouseholds() {
    return new CleaningSpec(
        "campaigns",
        List.of(key("campaign_id", INT), key("household_id", LONG)),
        List.of("campaign_id", "household_id"),
        List.of(),
        List.of(unknownCampaign(), unknownHousehold()));
  }

  public static CleaningSpec coupons() {
    return new CleaningSpec(
        "coupons",
        List.of(key("coupon_upc", LONG), key("product_id", LONG), key("campaign_id", INT)),
        List.of("coupon_upc", "product_id", "campaign_id"),
        List.of(),
        List.of(unknownProduct(), unknownCampaign()));
  }

  public static CleaningSpec couponRedemptions() {
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
            unknownHousehold(),
            lateArriving("unknown_coupon", "coupon_upc", Tables.SILVER_COUPONS),
            unknownCampaign()));
  }

  public static CleaningSpec promotions() {
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
        List.of(unknownProduct()));
  }

  private static Column anyNegative(Column... columns) {
    Column any = null;
    for (Column c : columns) {
      any = any == null ? c.lt(0) : any.or(c.lt(0));
    }
    return any;
  }
}
