package com.retail.lakehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.config.ConfigLoader;
import com.retail.lakehouse.common.config.Settings;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The mining cadence: stored rules serve the runs of the next mine-every-days days. */
class RecommendationsJobTest {
  private static Settings.Mining mining(String... overrides) {
    return ConfigLoader.load("local", null, List.of(overrides)).recommendations().mining();
  }

  private static String minedFor(Settings.Mining m, String date) {
    return RecommendationsJob.MINING
        + "|"
        + RecommendationsJob.miningKey(m, LocalDate.parse(date))
        + "|silver.transactions@3,silver.products@1";
  }

  @Test
  void rulesMinedLessThanTheIntervalAgoWithTheSameParametersAreReused() {
    Settings.Mining m = mining();
    String stored = minedFor(m, "2018-01-01");
    // mined on Monday the 1st, every 7 days: reused up to Sunday the 7th, mined again on the 8th
    assertTrue(RecommendationsJob.reusable(stored, m, LocalDate.parse("2018-01-01"), 7));
    assertTrue(RecommendationsJob.reusable(stored, m, LocalDate.parse("2018-01-07"), 7));
    assertFalse(RecommendationsJob.reusable(stored, m, LocalDate.parse("2018-01-08"), 7));
    // every day: only the same day's
    assertFalse(RecommendationsJob.reusable(stored, m, LocalDate.parse("2018-01-02"), 1));
    // a backfill before the mining date would see rules from its future
    assertFalse(RecommendationsJob.reusable(stored, m, LocalDate.parse("2017-12-31"), 7));
  }

  @Test
  void otherMiningParametersMeanMiningAgain() {
    String stored = minedFor(mining(), "2018-01-01");
    LocalDate next = LocalDate.parse("2018-01-02");
    assertFalse(
        RecommendationsJob.reusable(
            stored, mining("recommendations.min-support=20 baskets"), next, 7));
    assertFalse(
        RecommendationsJob.reusable(stored, mining("recommendations.item-level=product"), next, 7));
    // what only scoring uses does not
    assertTrue(
        RecommendationsJob.reusable(
            stored,
            ConfigLoader.load("local", null, List.of("recommendations.top-n=3"))
                .recommendations()
                .mining(),
            next,
            7));
    assertFalse(RecommendationsJob.reusable("something else", mining(), next, 7));
  }

  @Test
  void aBackfillKeepsTheLaterDateTheRecommendationsWereComputedFor() {
    String stored =
        "recommendations|Recommendations[model=blend, topN=10]|date=2018-01-02|rules=x|silver@3";
    LocalDate jan1 = LocalDate.parse("2018-01-01");
    LocalDate jan2 = LocalDate.parse("2018-01-02");
    LocalDate jan3 = LocalDate.parse("2018-01-03");
    assertEquals(jan2, RecommendationsJob.asOf(Optional.of(stored), jan1));
    assertEquals(jan2, RecommendationsJob.asOf(Optional.of(stored), jan2));
    assertEquals(jan3, RecommendationsJob.asOf(Optional.of(stored), jan3));
    assertEquals(jan1, RecommendationsJob.asOf(Optional.empty(), jan1));
    assertEquals(
        jan1, RecommendationsJob.asOf(Optional.of("another stage|date=2019-01-01|"), jan1));
  }
}
