package com.retail.lakehouse.jobs.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded random draws. Every random stream of the generator is a {@link SplittableRandom} seeded
 * from the run's seed and what it is for (a household, a household's day), never from the clock, so
 * the same arguments give the same files however the work is split.
 */
final class Draws {
  private Draws() {}

  /** A seed for the stream of {@code parts} (e.g. seed, household, day), well mixed. */
  static long seed(long... parts) {
    long h = 0x9E3779B97F4A7C15L;
    for (long p : parts) {
      h = mix(h ^ mix(p + 0x632BE59BD9B4E019L));
    }
    return h;
  }

  static SplittableRandom stream(long... parts) {
    return new SplittableRandom(seed(parts));
  }

  /** SplitMix64's finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Running sums of {@code weights}, for {@link #pick}. */
  static double[] cumulative(double[] weights) {
    double[] sums = new double[weights.length];
    double total = 0;
    for (int i = 0; i < weights.length; i++) {
      total += weights[i];
      sums[i] = total;
    }
    return sums;
  }

  /** An index drawn with probability proportional to its weight, from running sums. */
  static int pick(double[] cumulative, SplittableRandom rng) {
    return pick(cumulative, 0, cumulative.length, rng);
  }

  /** The same over {@code cumulative[from, to)}; the sums start from {@code cumulative[from-1]}. */
  static int pick(double[] cumulative, int from, int to, SplittableRandom rng) {
    double base = from == 0 ? 0 : cumulative[from - 1];
    double u = base + rng.nextDouble() * (cumulative[to - 1] - base);
    int i = Arrays.binarySearch(cumulative, from, to, u);
    i = i >= 0 ? i + 1 : -i - 1;
    return Math.min(i, to - 1);
  }

  /** Gamma(shape, scale) by Marsaglia and Tsang (shape < 1 boosted). */
  static double gamma(double shape, double scale, SplittableRandom rng) {
    if (shape < 1) {
      double u = rng.nextDouble();
      return gamma(shape + 1, scale, rng) * Math.pow(u, 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = rng.nextGaussian();
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = rng.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v * scale;
      }
    }
  }

  /** Poisson(mean), by multiplying uniforms (the means here are small: below a few hundred). */
  static int poisson(double mean, SplittableRandom rng) {
    if (mean <= 0) {
      return 0;
    }
    if (mean > 500) {
      return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.nextGaussian()));
    }
    double limit = Math.exp(-mean);
    double product = rng.nextDouble();
    int n = 0;
    while (product > limit) {
      product *= rng.nextDouble();
      n++;
    }
    return n;
  }

  /** Negative binomial with dispersion {@code r} and the given mean (a gamma-Poisson mixture). */
  static int negativeBinomial(double r, double mean, SplittableRandom rng) {
    return poisson(gamma(r, mean / r, rng), rng);
  }
}
