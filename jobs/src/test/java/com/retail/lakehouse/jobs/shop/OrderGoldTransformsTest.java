package com.retail.lakehouse.jobs.shop;

import static com.retail.lakehouse.jobs.support.Frames.expect;
import static com.retail.lakehouse.jobs.support.Frames.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.retail.lakehouse.jobs.support.Frames;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The order gold transforms on hand-made orders, expected values worked out by hand. */
class OrderGoldTransformsTest {
  private static final Date MAR1 = Date.valueOf("2024-03-01");
  private static final Date MAR2 = Date.valueOf("2024-03-02");

  private static BigDecimal d(String v) {
    return new BigDecimal(v);
  }

  private static Dataset<Row> orders() {
    return Frames.of(
        "order_id STRING, status STRING, customer_key STRING, postcode_area STRING, channel STRING,"
            + " order_date DATE, order_revenue DECIMAL(12,2)",
        row("O1", "paid", "c1", "SW", "web", MAR1, d("10.00")),
        row("O2", "delivered", "c1", "SW", "web", MAR1, d("5.00")),
        row("O3", "placed", "c2", "M", "web", MAR1, d("0.01")),
        row("O4", "cancelled", "c3", "SW", "web", MAR1, d("100.00")),
        row("O5", "shipped", "c2", "M", "app", MAR2, d("7.50")),
        row("O6", "refunded", "c1", "SW", "app", MAR2, d("20.00")),
        row("O7", "paid", "c3", null, "app", MAR2, d("2.00")));
  }

  private static final String LINES =
      "order_id STRING, line_no INT, product_id BIGINT, quantity INT, revenue DECIMAL(12,2),"
          + " cost DECIMAL(12,2)";

  private static Dataset<Row> lines() {
    return Frames.of(
        LINES,
        row("O1", 1, 1001L, 2, d("4.00"), d("2.50")),
        row("O1", 2, 1002L, 1, d("6.00"), d("3.00")),
        row("O2", 1, 1001L, 1, d("2.00"), d("1.25")),
        row("O3", 1, 1003L, 1, d("0.01"), d("0.00")),
        row("O4", 1, 1002L, 10, d("100.00"), d("60.00")),
        row("O5", 1, 1002L, 3, d("7.50"), d("6.00")),
        row("O7", 1, 1003L, 2, d("2.00"), d("0.80")));
  }

  private static Dataset<Row> products() {
    return Frames.of(
        "product_id BIGINT, department STRING, product_category STRING, product_type STRING",
        row(1001L, "GROCERY", "BAKERY", "BREAD"),
        row(1002L, "GROCERY", "DAIRY", "MILK"),
        row(1003L, "PRODUCE", "FRUIT", "APPLES"),
        row(1004L, "PRODUCE", "VEGETABLES", "CARROTS"));
  }

  @Test
  void kpisCountSalesOnlyAndRoundAverageSpendHalfUp() {
    assertEquals(
        List.of(
            // O1, O2, O3: 15.01 over c1 and c2 = 7.505 -> 7.51
            expect(MAR1, "web", 3L, 2L, d("15.01"), d("7.51")),
            // O5, O7 (O6 refunded): 9.50 over c2 and c3
            expect(MAR2, "app", 2L, 2L, d("9.50"), d("4.75"))),
        Frames.values(OrderKpis.summarize(orders()).orderBy("order_date", "channel")));
  }

  @Test
  void salesByRegionGroupsByPostcodeArea() {
    assertEquals(
        List.of(
            expect("M", 2L, 1L, d("7.51")),
            expect("SW", 2L, 1L, d("15.00")),
            expect("UNKNOWN", 1L, 1L, d("2.00"))),
        Frames.values(SalesByRegion.summarize(orders()).orderBy("postcode_area")));
  }

  @Test
  void productProfitRanksUnitsAndMargin() {
    assertEquals(
        List.of(
            // 2.25 / 6.00 = 37.50 %
            expect(
                1001L,
                "GROCERY",
                "BREAD",
                3L,
                d("6.00"),
                d("3.75"),
                d("2.25"),
                d("37.50"),
                2,
                1,
                2),
            // O4 cancelled: 1 + 3 units; 4.50 / 13.50 = 33.33 %
            expect(
                1002L,
                "GROCERY",
                "MILK",
                4L,
                d("13.50"),
                d("9.00"),
                d("4.50"),
                d("33.33"),
                1,
                3,
                1),
            // 1.21 / 2.01 = 60.199 %
            expect(
                1003L,
                "PRODUCE",
                "APPLES",
                3L,
                d("2.01"),
                d("0.80"),
                d("1.21"),
                d("60.20"),
                3,
                2,
                3)),
        Frames.values(
            ProductProfit.summarize(orders(), lines(), products()).orderBy("product_id")));
  }

  @Test
  void orderSalesByDayKeepsEachDayAreaAndCustomerApart() {
    assertEquals(
        List.of(
            // O3; the cancelled O4 is left out
            expect(MAR1, "M", "c2", 1L, d("0.01")),
            // O1 and O2, one customer
            expect(MAR1, "SW", "c1", 2L, d("15.00")),
            // O5: the same customer and area as O3, another day
            expect(MAR2, "M", "c2", 1L, d("7.50")),
            // O7 has no postcode; the refunded O6 is left out
            expect(MAR2, "UNKNOWN", "c3", 1L, d("2.00"))),
        Frames.values(OrderSalesByDay.summarize(orders()).orderBy("order_date", "postcode_area")));
  }

  @Test
  void productProfitByDaySumsTheSoldLinesOfEachDay() {
    // a line of a product not in the catalogue yet: kept, without department
    Dataset<Row> lines =
        lines().union(Frames.of(LINES, row("O7", 2, 1009L, 1, d("0.00"), d("0.10"))));
    assertEquals(
        List.of(
            // O1 (2 units, 4.00, 2.50) and O2 (1 unit, 2.00, 1.25)
            expect(MAR1, 1001L, "GROCERY", "BAKERY", "BREAD", 3L, d("6.00"), d("3.75")),
            // O1 only: the cancelled O4's 10 units are left out
            expect(MAR1, 1002L, "GROCERY", "DAIRY", "MILK", 1L, d("6.00"), d("3.00")),
            expect(MAR1, 1003L, "PRODUCE", "FRUIT", "APPLES", 1L, d("0.01"), d("0.00")),
            expect(MAR2, 1002L, "GROCERY", "DAIRY", "MILK", 3L, d("7.50"), d("6.00")),
            expect(MAR2, 1003L, "PRODUCE", "FRUIT", "APPLES", 2L, d("2.00"), d("0.80")),
            expect(MAR2, 1009L, null, null, null, 1L, d("0.00"), d("0.10"))),
        Frames.values(
            ProductProfitByDay.summarize(orders(), lines, products())
                .orderBy("order_date", "product_id")));
  }
}
