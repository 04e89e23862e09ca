package com.retail.lakehouse.jobs.generate;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * Everything a household's simulation needs, calibrated on the sample and small (the catalogue's
 * size, not the data's): built once on the driver and broadcast.
 */
record Model(
    Plan plan,
    Catalogue catalogue,
    ShoppingTimes times,
    Marketing marketing,
    long[] storeIds,
    double[] storeCumulative)
    implements Serializable {

  /** What to generate: the command's arguments. */
  record Plan(long seed, long households, int days, LocalDate start, double badShare)
      implements Serializable {
    LocalDate day(int index) {
      return start.plusDays(index);
    }
  }

  /** A store drawn by the sample's lines per store. */
  long store(SplittableRandom rng) {
    return storeIds[Draws.pick(storeCumulative, rng)];
  }
}
