package com.retail.lakehouse.jobs.gold;

import static com.retail.lakehouse.jobs.support.Frames.expect;
import static com.retail.lakehouse.jobs.support.Frames.values;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Worked by hand, as of 2017-03-01 (basket 13 of household 1 and all of household 5 are later and
 * do not count; neither does household 1's redemption of 2017-03-05).
 *
 * <pre>
 * hh baskets items total  avg              first      last       recency
 * 1  2 (11,12) 1+2+1=4  3.87+2.00+4.14=10.01  10.01/2=5.005->5.01  02-28  03-01  0
 * 2  1       1+2=3  1.00+0.50=1.50   1.50             01-01      01-01     31+28=59
 * 3  3       3+1+1=5 9.99+0.01+5.01=15.01 15.01/3=5.0033->5.00 02-01 02-20 9
 * 4  1       1+1=2  1.25+1.25=2.50   2.50             02-28      02-28     1
 * </pre>
 *
 * Scores: percent_rank p over the 4 households, score = min(5, floor(5p) + 1); p = 0, 1/3, 2/3, 1
 * gives 1, 2, 4, 5.
 *
 * <ul>
 *   <li>recency, worst first (59, 9, 1, 0): r = hh2 1, hh3 2, hh4 4, hh1 5
 *   <li>frequency ascending (1, 1, 2, 3): hh2 and hh4 tie at p=0: f = 1, 1, hh1 4, hh3 5
 *   <li>monetary ascending (1.50, 2.50, 10.01, 15.01): m = hh2 1, hh4 2, hh1 4, hh3 5
 * </ul>
 *
 * Segments: hh1 r5 f4 Champions; hh2 r1 f1 Lost; hh3 r2 f5 At risk; hh4 r4 f1 Promising.
 *
 * <p>Top department: hh1 GROCERY 8.01 > PRODUCE 2.00 (UNKNOWN 50.00 is after the date); hh2 PRODUCE
 * 1.00 > UNKNOWN 0.50; hh3 UNKNOWN 9.99 > PRODUCE 5.01 > GROCERY 0.01; hh4 PRODUCE = UNKNOWN =
 * 1.25, tie to the first name, PRODUCE.
 */
class CustomerSummaryTest {
  @Test
  void summarizesEachHouseholdUpToTheLogicalDate() {
    List<List<Object>> rows =
        values(
            CustomerSummary.summarize(
                    GoldFixtures.transactions(),
                    GoldFixtures.products(),
                    GoldFixtures.households(),
                    GoldFixtures.redemptions(),
                    GoldFixtures.campaignHouseholds(),
                    LocalDate.parse(GoldFixtures.LOGICAL_DATE))
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
                    "age"));
    assertEquals(
        List.of(
            expect(
                1L,
                2L,
                4L,
                m("10.01"),
                m("5.01"),
                day("2017-02-28"),
                day("2017-03-01"),
                0,
                2L,
                m("10.01"),
                5,
                4,
                4,
                "544",
                "Champions",
                "GROCERY",
                2L,
                2L,
                true,
                "65+"),
            expect(
                2L,
                1L,
                3L,
                m("1.50"),
                m("1.50"),
                day("2017-01-01"),
                day("2017-01-01"),
                59,
                1L,
                m("1.50"),
                1,
                1,
                1,
                "111",
                "Lost",
                "PRODUCE",
                0L,
                1L,
                false,
                null),
            expect(
                3L,
                3L,
                5L,
                m("15.01"),
                m("5.00"),
                day("2017-02-01"),
                day("2017-02-20"),
                9,
                3L,
                m("15.01"),
                2,
                5,
                5,
                "255",
                "At risk",
                "UNKNOWN",
                1L,
                0L,
                false,
                null),
            // household 4 is not in silver.households at all
            expect(
                4L,
                1L,
                2L,
                m("2.50"),
                m("2.50"),
                day("2017-02-28"),
                day("2017-02-28"),
                1,
                1L,
                m("2.50"),
                4,
                1,
                2,
                "412",
                "Promising",
                "PRODUCE",
                0L,
                0L,
                false,
                null)),
        rows);
  }

  @Test
  void aLaterLogicalDateCountsTheLaterPurchases() {
    // as of 2017-03-05 household 5 (one basket, 2.00) appears and household 1 has basket 13
    List<List<Object>> rows =
        values(
            CustomerSummary.summarize(
                    GoldFixtures.transactions(),
                    GoldFixtures.products(),
                    GoldFixtures.households(),
                    GoldFixtures.redemptions(),
                    GoldFixtures.campaignHouseholds(),
                    LocalDate.parse("2017-03-05"))
                .select(
                    "household_id",
                    "baskets",
                    "total_spend",
                    "recency_days",
                    "top_department",
                    "coupons_redeemed"));
    assertEquals(
        List.of(
            // 10.01 + 50.00; UNKNOWN 50.00 now tops GROCERY 8.01; the 03-05 redemption counts
            expect(1L, 3L, m("60.01"), 3, "UNKNOWN", 3L),
            expect(2L, 1L, m("1.50"), 63, "PRODUCE", 0L),
            expect(3L, 3L, m("15.01"), 13, "UNKNOWN", 1L),
            expect(4L, 1L, m("2.50"), 5, "PRODUCE", 0L),
            expect(5L, 1L, m("2.00"), 0, "GROCERY", 0L)),
        rows);
  }

  private static BigDecimal m(String s) {
    return new BigDecimal(s);
  }

  private static Date day(String s) {
    return Date.valueOf(s);
  }
}
