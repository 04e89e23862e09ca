package com.retail.lakehouse.jobs.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * A landing directory of the eight Complete Journey sources with a handful of hand-written rows
 * each. The comments say what silver makes of every row.
 */
public final class TinyLanding {
  private TinyLanding() {}

  /** The malformed line of transactions.csv.gz: 3 fields where the header has 11. */
  public static final String MALFORMED = "9,9,9";

  public static void write(Path dir) {
    gzip(
        dir.resolve("products.csv.gz"),
        "\"product_id\",\"manufacturer_id\",\"department\",\"brand\",\"product_category\","
            + "\"product_type\",\"package_size\"",
        "\"100\",\"1\",\"GROCERY\",\"National\",\"SOUP\",\"SOUP CAN\",\"10 OZ\"", // valid
        "\"200\",\"2\",\"PRODUCE\",\"Private\",\"FRUIT\",\"APPLES\",\"1 LB\"", // valid
        "\"300\",\"1\",\"GROCERY\",\"National\",\"SOUP\",\"SOUP BOX\","); // valid
    gzip(
        dir.resolve("transactions.csv.gz"),
        "\"household_id\",\"store_id\",\"basket_id\",\"product_id\",\"quantity\",\"sales_value\","
            + "\"retail_disc\",\"coupon_disc\",\"coupon_match_disc\",\"week\","
            + "\"transaction_timestamp\"",
        "\"1\",\"10\",\"1001\",\"100\",1,3.865,0.5,0,0,5,\"2017-01-28T19:06:53Z\"", // valid
        "\"1\",\"10\",\"1001\",\"200\",2,2,0,0,0,5,\"2017-01-28T19:06:53Z\"", // valid
        "\"2\",\"10\",\"1002\",\"100\",1,1,0,0,0,5,\"2017-01-29T10:00:00Z\"", // valid
        "\"2\",\"10\",\"1002\",\"999\",1,1,0,0,0,5,\"2017-01-29T10:00:00Z\"", // unknown_product
        "\"2\",\"10\",\"1003\",\"100\",-1,1,0,0,0,5,\"2017-01-29T10:00:00Z\"", // negative_quantity
        "\"1\",\"10\",\"1001\",\"100\",1,3.865,0.5,0,0,5,\"2017-01-28T19:06:53Z\"", // duplicate
        MALFORMED); // malformed_line
    gzip(
        dir.resolve("demographics.csv.gz"),
        "\"household_id\",\"age\",\"income\",\"home_ownership\",\"marital_status\","
            + "\"household_size\",\"household_comp\",\"kids_count\"",
        "\"1\",\"65+\",\"35-49K\",\"Homeowner\",\"Married\",\"2\",\"2 Adults No Kids\",\"0\"",
        "\"3\",\"45-54\",\"50-74K\",\"Renter\",\"Unmarried\",\"1\",\"1 Adult No Kids\",\"0\"");
    gzip(
        dir.resolve("campaign_descriptions.csv.gz"),
        "\"campaign_id\",\"campaign_type\",\"start_date\",\"end_date\"",
        "\"1\",\"Type A\",2017-01-01,2017-02-01", // valid
        "\"2\",\"Type B\",2017-03-01,2017-02-01"); // end_before_start
    gzip(
        dir.resolve("campaigns.csv.gz"),
        "\"campaign_id\",\"household_id\"",
        "\"1\",\"1\"", // valid
        "\"1\",\"2\"", // valid
        "\"2\",\"1\"", // unknown_campaign (campaign 2 is quarantined)
        "\"1\",\"9\""); // unknown_household
    gzip(
        dir.resolve("coupons.csv.gz"),
        "\"coupon_upc\",\"product_id\",\"campaign_id\"",
        "\"5000\",\"100\",\"1\"", // valid
        "\"5001\",\"999\",\"1\""); // unknown_product
    gzip(
        dir.resolve("coupon_redemptions.csv.gz"),
        "\"household_id\",\"coupon_upc\",\"campaign_id\",\"redemption_date\"",
        "\"1\",\"5000\",\"1\",2017-01-15", // valid
        "\"1\",\"5001\",\"1\",2017-01-16"); // unknown_coupon
    gzip(
        dir.resolve("promotions_sample.csv.gz"),
        "\"product_id\",\"store_id\",\"display_location\",\"mailer_location\",\"week\"",
        "\"100\",\"10\",\"3\",\"0\",1", // valid
        "\"200\",\"10\",\"0\",\"A\",54"); // week_out_of_range
  }

  public static void gzip(Path file, String... lines) {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
