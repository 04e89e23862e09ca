package com.retail.lakehouse.jobs.local.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the chaos test kills: spread over every stage, replayable from the seed. */
class KillPlanTest {
  private static final List<String> STAGES = List.of("bronze", "silver", "gold", "publish");
  private static final Map<String, Double> SECONDS =
      Map.of("bronze", 40.0, "silver", 60.0, "gold", 20.0, "publish", 10.0);

  @Test
  void tenKillsOverFourStagesGiveTwoEachAndTheRestToTheTwoShortest() {
    KillPlan plan = KillPlan.of(7, 10, STAGES, SECONDS);

    assertEquals(10, plan.points().size());
    // 10 / 4 = 2 each; the 2 left over go to publish (10 s) and gold (20 s)
    assertEquals(2, plan.of("bronze").size());
    assertEquals(2, plan.of("silver").size());
    assertEquals(3, plan.of("gold").size());
    assertEquals(3, plan.of("publish").size());
    // in run order: the stages as given
    assertEquals(
        List.of(
            "bronze", "bronze", "silver", "silver", "gold", "gold", "gold", "publish", "publish",
            "publish"),
        plan.points().stream().map(KillPlan.Point::stage).toList());
  }

  @Test
  void eachStagesPointsAreDistinctIncreasingAndNeitherAtTheStartNorAtTheEnd() {
    KillPlan plan = KillPlan.of(123456789L, 22, STAGES, SECONDS);
    for (String stage : STAGES) {
      List<Double> f = plan.of(stage).stream().map(KillPlan.Point::fraction).toList();
      for (int i = 0; i < f.size(); i++) {
        assertTrue(f.get(i) >= 0.03 && f.get(i) < 0.85, stage + " " + f);
        if (i > 0) {
          assertTrue(f.get(i) > f.get(i - 1), stage + " " + f);
        }
      }
    }
  }

  @Test
  void theSameSeedGivesTheSamePointsAndAnotherSeedOthers() {
    assertEquals(KillPlan.of(42, 20, STAGES, SECONDS), KillPlan.of(42, 20, STAGES, SECONDS));
    assertNotEquals(
        KillPlan.of(42, 20, STAGES, SECONDS).points(),
        KillPlan.of(43, 20, STAGES, SECONDS).points());
  }

  @Test
  void fewerKillsThanStagesIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> KillPlan.of(1, 3, STAGES, SECONDS));
  }
}
