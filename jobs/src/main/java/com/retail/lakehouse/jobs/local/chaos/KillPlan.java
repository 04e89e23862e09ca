package com.retail.lakehouse.jobs.local.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Where the chaos test kills the pipeline: {@code kills} points spread over every stage, each a
 * fraction of the stage's running time, drawn from a seed so that a failure can be replayed.
 *
 * <p>Every stage gets the same share; what does not divide evenly goes to the shortest stages,
 * which cost the least to kill again. Within a stage the fractions are distinct and in increasing
 * order: each run of the stage is killed a little later than the one before, so a stage that
 * restarts from scratch is interrupted at a new place every time, and one that resumes (bronze
 * commits source by source, publish table by table) gets further each time.
 */
public record KillPlan(long seed, List<Point> points) {

  /** Kill {@code stage} at {@code fraction} of its running time (0 to 1). */
  public record Point(String stage, double fraction) {}

  /** Fractions are drawn in this range: neither at the very start nor too near the end. */
  static final double FIRST = 0.03;

  static final double LAST = 0.85;

  /**
   * A plan of {@code kills} points over the stages, in run order; {@code seconds} is each stage's
   * running time in an undisturbed run (stages absent from it count as the longest).
   */
  public static KillPlan of(
      long seed, int kills, List<String> stages, Map<String, Double> seconds) {
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("no stages to kill");
    }
    if (kills < stages.size()) {
      throw new IllegalArgumentException(
          "--kills must be at least the number of stages (" + stages.size() + ")");
    }
    double longest = seconds.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
    Map<String, Integer> share = new LinkedHashMap<>();
    stages.forEach(s -> share.put(s, kills / stages.size()));
    List<String> shortestFirst = new ArrayList<>(stages);
    shortestFirst.sort(Comparator.comparingDouble(s -> seconds.getOrDefault(s, longest)));
    for (int i = 0; i < kills % stages.size(); i++) {
      share.merge(shortestFirst.get(i), 1, Integer::sum);
    }
    Random random = new Random(seed);
    List<Point> points = new ArrayList<>();
    for (String stage : stages) {
      int n = share.get(stage);
      // one fraction in each of n equal slices of [FIRST, LAST): distinct, increasing, spread out
      double slice = (LAST - FIRST) / n;
      for (int i = 0; i < n; i++) {
        points.add(new Point(stage, FIRST + slice * (i + random.nextDouble())));
      }
    }
    return new KillPlan(seed, List.copyOf(points));
  }

  /** The points of one stage, in order. */
  public List<Point> of(String stage) {
    return points.stream().filter(p -> p.stage().equals(stage)).toList();
  }
}
