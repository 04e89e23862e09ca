package com.retail.lakehouse.jobs.recommend;

import static com.retail.lakehouse.jobs.support.Frames.row;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.jobs.support.Frames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.apache.spark.ml.fpm.FPGrowth;
import org.apache.spark.ml.fpm.FPGrowthModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The level-wise counting against Spark ML's FP-Growth on the same baskets (another route to the
 * same itemsets and rules), and against a hand count.
 */
class FrequentItemsetsTest {

  /**
   * 600 baskets of 1 to 9 items drawn from 30 items with a long tail (item i about twice as likely
   * as item i + 5), a fixed seed, and two items often bought together (b03 with b07), so itemsets
   * of every size up to 5 or more are frequent at 6 baskets.
   */
  private static Dataset<Row> randomBaskets() {
    Random random = new Random(20261124L);
    Object[][] rows = new Object[600][];
    for (int b = 0; b < rows.length; b++) {
      TreeSet<String> items = new TreeSet<>();
      int n = 1 + random.nextInt(9);
      while (items.size() < n) {
        int i = (int) Math.min(29, Math.floor(-Math.log(1 - random.nextDouble()) * 7));
        items.add(String.format("b%02d", i));
        if (i == 3 && random.nextDouble() < 0.6) {
          items.add("b07");
        }
      }
      rows[b] = row(new ArrayList<>(items));
    }
    return Frames.of("items ARRAY<STRING>", rows);
  }

  private static Map<List<String>, Long> counts(Dataset<Row> itemsets) {
    Map<List<String>, Long> counts = new HashMap<>();
    for (Row r : itemsets.select("items", "freq").collectAsList()) {
      List<String> items = new ArrayList<>(r.<String>getList(0));
      items.sort(null);
      counts.put(items, r.getLong(1));
    }
    return counts;
  }

  private static Map<String, List<Double>> rules(Dataset<Row> rules) {
    Map<String, List<Double>> byName = new HashMap<>();
    for (Row r :
        rules.select("antecedent", "consequent", "support", "confidence", "lift").collectAsList()) {
      List<String> antecedent = new ArrayList<>(r.<String>getList(0));
      antecedent.sort(null);
      Object consequent = r.get(1);
      String name =
          String.join(",", antecedent)
              + "->"
              + (consequent instanceof String s ? s : String.join(",", r.<String>getList(1)));
      byName.put(name, List.of(r.getDouble(2), r.getDouble(3), r.getDouble(4)));
    }
    return byName;
  }

  @Test
  void theItemsetsAndRulesAreFpGrowthsUpToTheSizeAsked() {
    Dataset<Row> baskets = randomBaskets().cache();
    long total = baskets.count();
    long minBaskets = 6;
    FPGrowthModel fpGrowth =
        new FPGrowth()
            .setItemsCol("items")
            .setMinSupport((minBaskets - 0.5) / total)
            .setMinConfidence(0.2)
            .fit(baskets);
    int longest =
        fpGrowth
            .freqItemsets()
            .agg(org.apache.spark.sql.functions.max(size(col("items"))))
            .first()
            .getInt(0);
    assertTrue(longest >= 5, "the baskets have long frequent itemsets: " + longest);
    for (int maxSize : List.of(1, 2, 3, Integer.MAX_VALUE)) {
      Dataset<Row> itemsets = FrequentItemsets.upTo(baskets, minBaskets, maxSize);
      assertEquals(
          counts(fpGrowth.freqItemsets().filter(size(col("items")).leq(maxSize))),
          counts(itemsets),
          "itemsets up to " + maxSize);
      Map<String, List<Double>> expected =
          rules(fpGrowth.associationRules().filter(size(col("antecedent")).lt(maxSize)));
      Map<String, List<Double>> actual = rules(FrequentItemsets.rules(itemsets, total, 0.2));
      assertEquals(expected.keySet(), actual.keySet(), "rules up to " + maxSize);
      // the same formulas in the same order: the same doubles, not merely close ones
      assertEquals(expected, actual, "support, confidence and lift up to " + maxSize);
    }
    baskets.unpersist();
  }

  @Test
  void identicalBasketsCountEachAndUnsortedBasketsAreSorted() {
    // by hand at 2 baskets: x 4, y 3, z 2, xy 3, xz 1 (out), yz 1 (out); xyz 1 (out)
    Dataset<Row> baskets =
        Frames.of(
            "items ARRAY<STRING>",
            row(List.of("y", "x")),
            row(List.of("x", "y")),
            row(List.of("x", "y", "z")),
            row(List.of("x")),
            row(List.of("z")));
    Dataset<Row> itemsets = FrequentItemsets.upTo(baskets, 2, 3);
    assertEquals(
        Map.of(
            List.of("x"), 4L,
            List.of("y"), 3L,
            List.of("z"), 2L,
            List.of("x", "y"), 3L),
        counts(itemsets));
    // x -> y: 3 / 4 = 0.75, lift 0.75 / (3/5) = 1.25; y -> x: 3 / 3 = 1, lift 1 / (4/5) = 1.25
    Map<String, List<Double>> rules = rules(FrequentItemsets.rules(itemsets, 5, 0.8));
    assertEquals(Map.of("y->x", List.of(3.0 / 5, 1.0, 1.0 / (4.0 / 5))), rules);
  }

  @Test
  void noFrequentItemGivesNoItemsetsAndNoRules() {
    Dataset<Row> baskets =
        Frames.of("items ARRAY<STRING>", row(List.of("a", "b")), row(List.of("c")));
    Dataset<Row> itemsets = FrequentItemsets.upTo(baskets, 2, 3);
    assertEquals(0, itemsets.count());
    assertEquals(0, FrequentItemsets.rules(itemsets, 2, 0.0).count());
  }
}
