package com.retail.lakehouse.jobs.recommend;

import static com.retail.lakehouse.jobs.support.Frames.expect;
import static com.retail.lakehouse.jobs.support.Frames.row;
import static com.retail.lakehouse.jobs.support.Frames.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.jobs.support.Frames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class BasketMiningTest {
  private static final List<List<String>> BASKETS =
      List.of(
          List.of("a", "b", "c"),
          List.of("a", "b"),
          List.of("a", "c"),
          List.of("b", "c"),
          List.of("a", "b", "c", "d"),
          List.of("d", "e"),
          List.of("a", "d"),
          List.of("b", "d", "e"),
          List.of("a", "b", "e"),
          List.of("c", "f"));
  // 10 baskets: 0.25 means at least 3 (2.5 rounded up); 0.3 would be risky, 0.3 * 10 > 3 in doubles
  private static final double MIN_SUPPORT = 0.25;
  private static final double MIN_CONFIDENCE = 0.5;

  /** Every itemset of the baskets with its count, by enumerating each basket's subsets. */
  private static Map<List<String>, Long> bruteForceCounts() {
    Map<List<String>, Long> counts = new HashMap<>();
    for (List<String> basket : BASKETS) {
      int n = basket.size();
      for (int mask = 1; mask < (1 << n); mask++) {
        TreeSet<String> subset = new TreeSet<>();
        for (int i = 0; i < n; i++) {
          if ((mask & (1 << i)) != 0) {
            subset.add(basket.get(i));
          }
        }
        counts.merge(new ArrayList<>(subset), 1L, Long::sum);
      }
    }
    return counts;
  }

  private static Map<List<String>, Long> bruteForceFrequent() {
    Map<List<String>, Long> frequent = new HashMap<>();
    bruteForceCounts()
        .forEach(
            (set, count) -> {
              if ((double) count / BASKETS.size() >= MIN_SUPPORT) {
                frequent.put(set, count);
              }
            });
    return frequent;
  }

  private static Dataset<Row> baskets() {
    Object[][] rows = new Object[BASKETS.size()][];
    for (int i = 0; i < BASKETS.size(); i++) {
      rows[i] = row((long) i + 1, BASKETS.get(i));
    }
    return Frames.of("basket_id BIGINT, items ARRAY<STRING>", rows);
  }

  @Test
  void frequentItemsetsEqualBruteForce() {
    BasketMining.Mined mined = BasketMining.mine(baskets(), MIN_SUPPORT, MIN_CONFIDENCE);
    assertEquals(10, mined.baskets());
    Map<List<String>, Long> actual = new HashMap<>();
    for (Row r : mined.itemsets().collectAsList()) {
      List<String> items = r.getList(0);
      long freq = r.getLong(1);
      actual.put(items, freq);
      assertEquals(freq / 10.0, r.getDouble(2), 1e-12, "support of " + items);
      assertEquals(items.size(), r.getInt(3), "size of " + items);
    }
    Map<List<String>, Long> expected = bruteForceFrequent();
    assertEquals(expected, actual);
    // sanity of the brute force itself: a 6, b 6, c 5, d 4, e 3, ab 4, ac 3, bc 3; f (1) is out
    assertEquals(8, expected.size());
    assertEquals(4L, expected.get(List.of("a", "b")));
  }

  @Test
  void rulesEqualBruteForce() {
    BasketMining.Mined mined = BasketMining.mine(baskets(), MIN_SUPPORT, MIN_CONFIDENCE);
    Map<List<String>, Long> counts = bruteForceCounts();
    Map<List<String>, Long> frequent = bruteForceFrequent();
    double n = BASKETS.size();
    // rule key: antecedent items then "->" then the consequent
    Map<List<String>, double[]> expected = new HashMap<>();
    for (Map.Entry<List<String>, Long> e : frequent.entrySet()) {
      List<String> set = e.getKey();
      if (set.size() < 2) {
        continue;
      }
      for (String consequent : set) {
        List<String> antecedent = new ArrayList<>(set);
        antecedent.remove(consequent);
        double confidence = (double) e.getValue() / counts.get(antecedent);
        if (confidence >= MIN_CONFIDENCE) {
          double lift = confidence / (counts.get(List.of(consequent)) / n);
          List<String> key = new ArrayList<>(antecedent);
          key.add("->");
          key.add(consequent);
          expected.put(key, new double[] {e.getValue() / n, confidence, lift});
        }
      }
    }
    Map<List<String>, double[]> actual = new HashMap<>();
    for (Row r : mined.rules().collectAsList()) {
      List<String> key = new ArrayList<>(r.<String>getList(0));
      key.add("->");
      key.add(r.getString(1));
      actual.put(key, new double[] {r.getDouble(2), r.getDouble(3), r.getDouble(4)});
    }
    assertEquals(expected.keySet(), actual.keySet());
    for (List<String> key : expected.keySet()) {
      double[] want = expected.get(key);
      double[] got = actual.get(key);
      for (int i = 0; i < 3; i++) {
        assertEquals(want[i], got[i], 1e-9, key + " metric " + i);
      }
    }
    // by hand: b -> a has confidence 4/6 and lift (4/6) / (6/10) = 10/9
    assertEquals(10.0 / 9, actual.get(List.of("b", "->", "a"))[2], 1e-9);
    // c -> a: 3/5 = 0.6 passes; d -> a: 2/4 but {a, d} (2 baskets) is not frequent
    assertTrue(actual.containsKey(List.of("c", "->", "a")));
    assertTrue(!actual.containsKey(List.of("d", "->", "a")));
  }

  @Test
  void toBasketsCollectsDistinctItemsAndDropsLargeBaskets() {
    Dataset<Row> lines =
        Frames.of(
            "basket_id BIGINT, item STRING",
            row(1L, "y"),
            row(1L, "x"),
            row(1L, "y"), // the same item twice counts once
            row(2L, "x"),
            row(2L, "y"),
            row(2L, "z"), // three distinct items: over the limit of 2
            row(3L, "x"),
            row(3L, null), // lines without an item are ignored
            row(4L, null)); // so a basket of only those disappears
    assertEquals(
        List.of(expect(1L, List.of("x", "y")), expect(3L, List.of("x"))),
        values(BasketMining.toBaskets(lines, 2).orderBy("basket_id")));
    assertEquals(3, BasketMining.toBaskets(lines, 3).count());
  }

  @Test
  void withItemUsesTheProductOrItsCatalogueColumn() {
    Dataset<Row> tx =
        Frames.of(
            "basket_id BIGINT, product_id BIGINT", row(1L, 100L), row(1L, 200L), row(2L, 999L));
    Dataset<Row> products =
        Frames.of(
            "product_id BIGINT, product_type STRING, product_category STRING",
            row(100L, "SOUP CAN", "SOUP"),
            row(200L, "APPLES", "FRUIT"));
    assertEquals(
        List.of(expect(1L, 100L, "SOUP CAN"), expect(1L, 200L, "APPLES"), expect(2L, 999L, null)),
        values(
            BasketMining.withItem(tx, products, "product_type")
                .select("basket_id", "product_id", "item")
                .orderBy("product_id")));
    assertEquals(
        List.of(expect(100L, "100"), expect(200L, "200"), expect(999L, "999")),
        values(
            BasketMining.withItem(tx, products, "product")
                .select("product_id", "item")
                .orderBy("product_id")));
  }
}
