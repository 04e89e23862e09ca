package com.retail.lakehouse.jobs.gold;

import static com.retail.lakehouse.jobs.support.Frames.expect;
import static com.retail.lakehouse.jobs.support.Frames.values;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * By hand over every line of {@link GoldFixtures#transactions()}, grouped by date and department.
 */
class SalesByDayDepartmentTest {
  @Test
  void aggregatesEachDayAndDepartment() {
    List<List<Object>> rows =
        values(
            SalesByDayDepartment.summarize(GoldFixtures.transactions(), GoldFixtures.products()));
    assertEquals(
        List.of(
            expect(day("2017-01-01"), "PRODUCE", 1L, 1L, 1L, m("1.00"), m("0.20")),
            expect(day("2017-01-01"), "UNKNOWN", 1L, 1L, 2L, m("0.50"), m("0.00")), // 400
            expect(day("2017-02-01"), "UNKNOWN", 1L, 1L, 3L, m("9.99"), m("1.00")), // 300
            expect(day("2017-02-15"), "GROCERY", 1L, 1L, 1L, m("0.01"), m("0.00")),
            expect(day("2017-02-20"), "PRODUCE", 1L, 1L, 1L, m("5.01"), m("0.80")),
            expect(day("2017-02-28"), "GROCERY", 1L, 1L, 1L, m("3.87"), m("0.50")),
            // baskets 11 (hh1, 2 x 200, 2.00) and 41 (hh4, 1 x 200, 1.25)
            expect(day("2017-02-28"), "PRODUCE", 2L, 2L, 3L, m("3.25"), m("0.00")),
            expect(day("2017-02-28"), "UNKNOWN", 1L, 1L, 1L, m("1.25"), m("0.00")),
            // discounts 0.25 + 0.10 + null (counted as 0)
            expect(day("2017-03-01"), "GROCERY", 1L, 1L, 1L, m("4.14"), m("0.35")),
            expect(day("2017-03-02"), "UNKNOWN", 1L, 1L, 5L, m("50.00"), m("0.00")),
            expect(day("2017-03-05"), "GROCERY", 1L, 1L, 1L, m("2.00"), m("0.00"))),
        rows);
  }

  private static BigDecimal m(String s) {
    return new BigDecimal(s);
  }

  private static Date day(String s) {
    return Date.valueOf(s);
  }
}
