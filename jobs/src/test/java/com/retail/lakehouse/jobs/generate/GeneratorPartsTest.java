package com.retail.lakehouse.jobs.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The generator's pure parts, on hand-worked examples. */
class GeneratorPartsTest {
  private static int week(String instant) {
    return ShoppingTimes.week(Instant.parse(instant).getEpochSecond());
  }

  /**
   * 2017-01-01 is a Sunday: week 1 alone; week 2 starts on Monday 2017-01-02 at 05:00 UTC (midnight
   * local). The year's last local day is week 53; the next year starts at week 1 again. 2040 starts
   * on a Sunday and is a leap year: its 31 December would be a 54th week, counted as 53.
   */
  @Test
  void weeksRunMondayToSundayInLocalTime() {
    assertEquals(1, week("2017-01-01T12:00:00Z"));
    assertEquals(1, week("2017-01-02T04:59:59Z"));
    assertEquals(2, week("2017-01-02T05:00:00Z"));
    assertEquals(52, week("2017-12-24T12:00:00Z"));
    assertEquals(53, week("2017-12-26T12:00:00Z"));
    assertEquals(53, week("2018-01-01T04:00:00Z"));
    assertEquals(1, week("2018-01-01T05:00:00Z"));
    assertEquals(53, week("2040-12-31T12:00:00Z"));
  }

  /** Thanksgiving is the fourth Thursday of November: 2017-11-23, 2018-11-22. */
  @Test
  void holidays() {
    assertEquals(0, ShoppingTimes.holiday(LocalDate.parse("2017-12-25")));
    assertEquals(1.4, ShoppingTimes.holiday(LocalDate.parse("2017-12-24")));
    assertEquals(1.35, ShoppingTimes.holiday(LocalDate.parse("2017-11-22")));
    assertEquals(0.6, ShoppingTimes.holiday(LocalDate.parse("2017-11-23")));
    assertEquals(0.6, ShoppingTimes.holiday(LocalDate.parse("2018-11-22")));
    assertEquals(0.7, ShoppingTimes.holiday(LocalDate.parse("2018-11-23")));
    assertEquals(1, ShoppingTimes.holiday(LocalDate.parse("2017-07-04")));
  }

  @Test
  void badLinesSpoilOneThingEach() {
    String[] line = {
      "7",
      "300",
      "31000000001",
      "1082185",
      "2",
      "1.86",
      "0.4",
      "0",
      "0",
      "5",
      "2017-01-28T19:06:53Z"
    };
    assertArrayEquals(
        new String[] {"7", "300", "31000000001", "1082185", "2", "1.86"},
        BadRows.spoil(line, BadRows.Kind.MALFORMED_LINE, 99));
    assertEquals("-2", BadRows.spoil(line, BadRows.Kind.NEGATIVE_QUANTITY, 99)[4]);
    line[4] = "0";
    assertEquals("-1", BadRows.spoil(line, BadRows.Kind.NEGATIVE_QUANTITY, 99)[4]);
    assertEquals("99", BadRows.spoil(line, BadRows.Kind.UNKNOWN_PRODUCT, 99)[3]);
    assertEquals(
        "01/28/2017 19:06:53", BadRows.spoil(line, BadRows.Kind.UNPARSEABLE_TIMESTAMP, 99)[10]);
    assertArrayEquals(line, BadRows.spoil(line, BadRows.Kind.DUPLICATE_LINE, 99));
    assertEquals("0", line[4], "the line given is not changed");
  }

  /** A share of 0.1 bad lines: p / (1 + p/5) = 0.1 gives p = 0.1 / 0.98. */
  @Test
  void theLineProbabilityAllowsForTheDuplicatesAddingLines() {
    double p = BadRows.lineProbability(0.1);
    assertEquals(0.1 / 0.98, p, 1e-12);
    assertEquals(0.1, p / (1 + p / 5), 1e-12);
    assertEquals(0, BadRows.lineProbability(0));
  }

  @Test
  void linesAreWrittenLikeTheStudysFiles() {
    assertEquals(
        "\"1\",,2017-01-01,3.5",
        Csv.line(
            new String[] {"1", null, "2017-01-01", "3.5"},
            new boolean[] {true, true, false, false}));
    assertEquals("\"campaign_id\",\"household_id\"", Csv.header(Csv.source("campaigns")));
  }

  /**
   * Means of 20,000 draws: Poisson(3) has standard deviation sqrt(3/20000) = 0.012 of its mean;
   * Gamma(1.1, 10) sqrt(110/20000) = 0.074; the negative binomial (r 0.6, mean 8.5) has variance
   * 8.5 + 8.5^2/0.6 = 129, so 0.080. Five deviations allowed.
   */
  @Test
  void drawsHaveTheirMeans() {
    SplittableRandom rng = Draws.stream(42, 1);
    double poisson = 0;
    double gamma = 0;
    double negativeBinomial = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      poisson += Draws.poisson(3, rng);
      gamma += Draws.gamma(1.1, 10, rng);
      negativeBinomial += Draws.negativeBinomial(0.6, 8.5, rng);
    }
    assertEquals(3, poisson / n, 5 * 0.012);
    assertEquals(11, gamma / n, 5 * 0.074);
    assertEquals(8.5, negativeBinomial / n, 5 * 0.080);
  }

  @Test
  void picksFollowTheWeights() {
    double[] cumulative = Draws.cumulative(new double[] {1, 0, 3});
    SplittableRandom rng = Draws.stream(7);
    int[] counts = new int[3];
    for (int i = 0; i < 40_000; i++) {
      counts[Draws.pick(cumulative, rng)]++;
    }
    assertEquals(0, counts[1]);
    // 10,000 expected for the first, deviation sqrt(40000 * 0.25 * 0.75) = 87
    assertEquals(10_000, counts[0], 5 * 87);
    // within [2, 3): always the last
    assertEquals(2, Draws.pick(cumulative, 2, 3, rng));
  }
}
