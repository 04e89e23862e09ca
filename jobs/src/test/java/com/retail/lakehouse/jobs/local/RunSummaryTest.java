package com.retail.lakehouse.jobs.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RunSummaryTest {
  @Test
  void aSourceAddsUpOrSaysItDoesNot() {
    assertEquals(
        "  coupons                     116,204      111,332         16            0       4,872\n",
        RunSummary.sourceLine("coupons", new long[] {116_204, 111_332, 16, 0, 4_872, 1}));
    assertEquals(
        "  coupons                     116,205      111,332         16            0       4,872"
            + "  (does not add up)\n",
        RunSummary.sourceLine("coupons", new long[] {116_205, 111_332, 16, 0, 4_872, 1}));
  }

  @Test
  void aDerivedTableShowsNoReadCount() {
    assertEquals(
        "  households                        -        2,377          0            0           0"
            + "  (derived from other sources)\n",
        RunSummary.sourceLine("households", new long[] {0, 2_377, 0, 0, 0, 0}));
  }
}
