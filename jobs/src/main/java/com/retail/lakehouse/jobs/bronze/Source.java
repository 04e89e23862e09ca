package com.retail.lakehouse.jobs.bronze;

import java.util.List;

/**
 * One source feed: its bronze table, the file-name prefix of its files in the landing directory
 * ({@code <prefix>.csv[.gz]} or {@code <prefix>_<anything>.csv[.gz]}) and its header.
 */
public record Source(String table, String prefix, List<String> columns) {

  public boolean matches(String fileName) {
    String base =
        fileName.endsWith(".gz") ? fileName.substring(0, fileName.length() - 3) : fileName;
    if (!base.endsWith(".csv")) {
      return false;
    }
    String stem = base.substring(0, base.length() - 4);
    return stem.equals(prefix) || stem.startsWith(prefix + "_");
  }

  /** The eight Complete Journey files. */
  public static final List<Source> COMPLETE_JOURNEY =
      List.of(
          new Source(
              "transactions",
              "transactions",
              List.of(
                  "household_id",
                  "store_id",
                  "basket_id",
                  "product_id",
                  "quantity",
                  "sales_value",
                  "retail_disc",
                  "coupon_disc",
                  "coupon_match_disc",
                  "week",
                  "transaction_timestamp")),
          new Source(
              "products",
              "products",
              List.of(
                  "product_id",
                  "manufacturer_id",
                  "department",
                  "brand",
                  "product_category",
                  "product_type",
                  "package_size")),
          new Source(
              "demographics",
              "demographics",
              List.of(
                  "household_id",
                  "age",
                  "income",
                  "home_ownership",
                  "marital_status",
                  "household_size",
                  "household_comp",
                  "kids_count")),
          new Source("campaigns", "campaigns", List.of("campaign_id", "household_id")),
          new Source(
              "campaign_descriptions",
              "campaign_descriptions",
              List.of("campaign_id", "campaign_type", "start_date", "end_date")),
          new Source("coupons", "coupons", List.of("coupon_upc", "product_id", "campaign_id")),
          new Source(
              "coupon_redemptions",
              "coupon_redemptions",
              List.of("household_id", "coupon_upc", "campaign_id", "redemption_date")),
          new Source(
              "promotions",
              "promotions",
              List.of("product_id", "store_id", "display_location", "mailer_location", "week")));
}
