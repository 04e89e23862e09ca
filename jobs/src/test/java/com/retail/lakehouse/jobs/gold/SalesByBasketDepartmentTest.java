package com.retail.lakehouse.jobs.gold;

import static com.retail.lakehouse.jobs.support.Frames.expect;
import static com.retail.lakehouse.jobs.support.Frames.values;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * By hand over every line of {@link GoldFixtures#transactions()}, grouped by basket and department.
 */
class SalesByBasketDepartmentTest {
  private static Dataset<Row> table() {
    return SalesByBasketDepartment.summarize(GoldFixtures.transactions(), GoldFixtures.products());
  }

  @Test
  void oneRowPerBasketAndDepartment() {
    assertEquals(
        List.of(
            // date, basket, department, household, quantity, revenue, discounts
            expect(day("2017-02-28"), 11L, "GROCERY", 1L, 1L, m("3.87"), m("0.50")),
            expect(day("2017-02-28"), 11L, "PRODUCE", 1L, 2L, m("2.00"), m("0.00")),
            // discounts 0.25 + 0.10 + null (counted as 0)
            expect(day("2017-03-01"), 12L, "GROCERY", 1L, 1L, m("4.14"), m("0.35")),
            expect(day("2017-03-02"), 13L, "UNKNOWN", 1L, 5L, m("50.00"), m("0.00")), // 300
            expect(day("2017-01-01"), 21L, "PRODUCE", 2L, 1L, m("1.00"), m("0.20")),
            expect(day("2017-01-01"), 21L, "UNKNOWN", 2L, 2L, m("0.50"), m("0.00")), // 400
            expect(day("2017-02-01"), 31L, "UNKNOWN", 3L, 3L, m("9.99"), m("1.00")),
            expect(day("2017-02-15"), 32L, "GROCERY", 3L, 1L, m("0.01"), m("0.00")),
            expect(day("2017-02-20"), 33L, "PRODUCE", 3L, 1L, m("5.01"), m("0.80")),
            expect(day("2017-02-28"), 41L, "PRODUCE", 4L, 1L, m("1.25"), m("0.00")),
            expect(day("2017-02-28"), 41L, "UNKNOWN", 4L, 1L, m("1.25"), m("0.00")),
            expect(day("2017-03-05"), 51L, "GROCERY", 5L, 1L, m("2.00"), m("0.00"))),
        values(table().orderBy("basket_id", "department")));
  }

  /**
   * February, PRODUCE and UNKNOWN: households 3 (baskets 31, 33), 1 (basket 11) and 4 (basket 41,
   * in both departments). The tables by day would add up to 5 households and 5 baskets.
   */
  @Test
  void countsHouseholdsAndBasketsOnceOverDaysAndDepartments() {
    Row counts =
        table()
            .filter(
                "sales_date BETWEEN DATE'2017-02-01' AND DATE'2017-02-28'"
                    + " AND department IN ('PRODUCE', 'UNKNOWN')")
            .selectExpr("count(DISTINCT household_id)", "count(DISTINCT basket_id)", "sum(revenue)")
            .first();
    assertEquals(List.of(3L, 4L, m("19.50")), List.of(counts.get(0), counts.get(1), counts.get(2)));
  }

  private static BigDecimal m(String s) {
    return new BigDecimal(s);
  }

  private static Date day(String s) {
    return Date.valueOf(s);
  }
}
