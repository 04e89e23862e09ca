package com.retail.lakehouse.jobs.gold;

import static com.retail.lakehouse.jobs.support.Frames.row;

import com.retail.lakehouse.jobs.support.Frames;
import java.math.BigDecimal;
import java.sql.Date;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Silver-shaped inputs shared by the gold tests: five households, ten baskets, four products. */
final class GoldFixtures {
  private GoldFixtures() {}

  static final String LOGICAL_DATE = "2017-03-01";

  private static BigDecimal d(String s) {
    return s == null ? null : new BigDecimal(s);
  }

  private static Object[] line(
      long hh,
      long basket,
      long product,
      int qty,
      String sales,
      String retail,
      String coupon,
      String match,
      String date) {
    return row(
        hh, basket, product, qty, d(sales), d(retail), d(coupon), d(match), Date.valueOf(date));
  }

  static Dataset<Row> transactions() {
    return Frames.of(
        "household_id BIGINT, basket_id BIGINT, product_id BIGINT, quantity INT,"
            + " sales_value DECIMAL(12,2), retail_disc DECIMAL(12,2), coupon_disc DECIMAL(12,2),"
            + " coupon_match_disc DECIMAL(12,2), transaction_date DATE",
        line(1, 11, 100, 1, "3.87", "0.50", "0.00", "0.00", "2017-02-28"),
        line(1, 11, 200, 2, "2.00", "0.00", "0.00", "0.00", "2017-02-28"),
        line(1, 12, 100, 1, "4.14", "0.25", "0.10", null, "2017-03-01"),
        line(1, 13, 300, 5, "50.00", "0.00", "0.00", "0.00", "2017-03-02"), // after the date
        line(2, 21, 200, 1, "1.00", "0.20", "0.00", "0.00", "2017-01-01"),
        line(2, 21, 400, 2, "0.50", "0.00", "0.00", "0.00", "2017-01-01"), // not in catalogue
        line(3, 31, 300, 3, "9.99", "1.00", "0.00", "0.00", "2017-02-01"),
        line(3, 32, 100, 1, "0.01", "0.00", "0.00", "0.00", "2017-02-15"),
        line(3, 33, 200, 1, "5.01", "0.00", "0.40", "0.40", "2017-02-20"),
        line(4, 41, 300, 1, "1.25", "0.00", "0.00", "0.00", "2017-02-28"),
        line(4, 41, 200, 1, "1.25", "0.00", "0.00", "0.00", "2017-02-28"),
        line(5, 51, 100, 1, "2.00", "0.00", "0.00", "0.00", "2017-03-05")); // only after the date
  }

  static Dataset<Row> products() {
    return Frames.of(
        "product_id BIGINT, department STRING, brand STRING, product_category STRING,"
            + " product_type STRING",
        row(100L, "GROCERY", "National", "SOUP", "SOUP CAN"),
        row(200L, "PRODUCE", "Private", "FRUIT", "APPLES"),
        row(300L, null, "National", null, null)); // empty department: UNKNOWN
  }

  static Dataset<Row> households() {
    return Frames.of(
        "household_id BIGINT, age STRING, income STRING, home_ownership STRING,"
            + " marital_status STRING, household_size STRING, household_comp STRING,"
            + " kids_count STRING, has_demographics BOOLEAN",
        row(1L, "65+", "35-49K", "Homeowner", "Married", "2", "2 Adults No Kids", "0", true),
        row(2L, null, null, null, null, null, null, null, false),
        row(3L, null, null, null, null, null, null, null, false));
  }

  static Dataset<Row> redemptions() {
    return Frames.of(
        "household_id BIGINT, coupon_upc BIGINT, campaign_id INT, redemption_date DATE",
        row(1L, 5000L, 1, Date.valueOf("2017-02-10")),
        row(1L, 5001L, 1, Date.valueOf("2017-02-20")),
        row(1L, 5002L, 1, Date.valueOf("2017-03-05")), // after the date
        row(3L, 5000L, 1, Date.valueOf("2017-01-01")));
  }

  static Dataset<Row> campaignHouseholds() {
    return Frames.of(
        "campaign_id INT, household_id BIGINT",
        row(1, 1L),
        row(2, 1L),
        row(1, 1L), // same campaign twice counts once
        row(1, 2L));
  }
}
