package com.retail.lakehouse.jobs.recommend;

import static com.retail.lakehouse.jobs.support.Frames.expect;
import static com.retail.lakehouse.jobs.support.Frames.row;
import static com.retail.lakehouse.jobs.support.Frames.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.config.Threshold;
import com.retail.lakehouse.jobs.support.Frames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Ten baskets, counted by hand: a 6, b 6, c 5, d 4, e 3, f 1; ab 4, ac 3, bc 3, ad 2, bd 2, be 2,
 * de 2; abc 2. At a minimum support of 2 baskets, confidence 0.5 and lift above 1, seven rules
 * remain (the others have lift 1 or below, or confidence under 0.5):
 *
 * <pre>
 *   rule     baskets  confidence        lift
 *   a -> b      4     4/6 = 0.667   0.667 / 0.6 = 1.111
 *   b -> a      4     4/6           1.111
 *   e -> b      2     2/3 = 0.667   0.667 / 0.6 = 1.111
 *   d -> e      2     2/4 = 0.5     0.5 / 0.3   = 1.667
 *   e -> d      2     2/3 = 0.667   0.667 / 0.4 = 1.667
 *   ac -> b     2     2/3 = 0.667   1.111
 *   bc -> a     2     2/3 = 0.667   1.111
 * </pre>
 *
 * (a -> c: 3/6 = 0.5 at lift 0.5 / 0.5 = 1; c -> a: 3/5 at lift 1; d -> a: 2/4 at lift 0.833.)
 */
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

  private static Settings.Mining mining(
      String support, String confidence, double minLift, int maxAntecedent, int perAntecedent) {
    return mining(support, confidence, minLift, maxAntecedent, perAntecedent, 1000, "fail");
  }

  private static Settings.Mining mining(
      String support,
      String confidence,
      double minLift,
      int maxAntecedent,
      int perAntecedent,
      long maxRules,
      String onTooMany) {
    return new Settings.Mining(
        "item",
        Threshold.parse("min-support", support),
        Threshold.parse("min-confidence", confidence),
        minLift,
        maxAntecedent,
        perAntecedent,
        maxRules,
        onTooMany,
        40);
  }

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

  private static Dataset<Row> baskets() {
    Object[][] rows = new Object[BASKETS.size()][];
    for (int i = 0; i < BASKETS.size(); i++) {
      rows[i] = row((long) i + 1, BASKETS.get(i));
    }
    return Frames.of("basket_id BIGINT, items ARRAY<STRING>", rows);
  }

  private static Map<List<String>, Long> itemsets(BasketMining.Mined mined) {
    Map<List<String>, Long> actual = new HashMap<>();
    for (Row r : mined.itemsets().collectAsList()) {
      List<String> items = r.getList(0);
      actual.put(items, r.getLong(1));
      assertEquals(r.getLong(1) / 10.0, r.getDouble(2), 1e-12, "support of " + items);
      assertEquals(items.size(), r.getInt(3), "size of " + items);
    }
    return actual;
  }

  /** Rules as "a,c->b". */
  private static List<String> ruleNames(Dataset<Row> rules) {
    List<String> names = new ArrayList<>();
    for (Row r : rules.collectAsList()) {
      names.add(String.join(",", r.<String>getList(0)) + "->" + r.getString(1));
    }
    names.sort(null);
    return names;
  }

  @Test
  void frequentItemsetsEqualBruteForceAtAFractionAndAtTheSameCount() {
    Map<List<String>, Long> expected = new HashMap<>();
    bruteForceCounts()
        .forEach(
            (set, count) -> {
              if (count >= 3) {
                expected.put(set, count);
              }
            });
    // by hand: a 6, b 6, c 5, d 4, e 3, ab 4, ac 3, bc 3; f (1) is out
    assertEquals(8, expected.size());
    // 0.3 of 10 baskets is exactly 3 (a double product would make it 3.0000000000000004, so 4)
    for (String support : List.of("0.3", "3 baskets")) {
      BasketMining.Mined mined = BasketMining.mine(baskets(), mining(support, "0.5", 0, 3, 100));
      assertEquals(10, mined.baskets());
      assertEquals(3, mined.minSupportBaskets(), support);
      assertEquals(expected, itemsets(mined), support);
      mined.release();
    }
  }

  @Test
  void rulesEqualBruteForceWhenNothingElseIsFiltered() {
    BasketMining.Mined mined = BasketMining.mine(baskets(), mining("0.25", "0.5", 0, 3, 100));
    Map<List<String>, Long> counts = bruteForceCounts();
    double n = BASKETS.size();
    Map<String, double[]> expected = new HashMap<>();
    counts.forEach(
        (set, freq) -> {
          if (set.size() < 2 || freq < 3) {
            return;
          }
          for (String consequent : set) {
            List<String> antecedent = new ArrayList<>(set);
            antecedent.remove(consequent);
            double confidence = (double) freq / counts.get(antecedent);
            if (confidence >= 0.5) {
              double lift = confidence / (counts.get(List.of(consequent)) / n);
              expected.put(
                  String.join(",", antecedent) + "->" + consequent,
                  new double[] {freq / n, confidence, lift});
            }
          }
        });
    Map<String, double[]> actual = new HashMap<>();
    for (Row r : mined.rules().collectAsList()) {
      actual.put(
          String.join(",", r.<String>getList(0)) + "->" + r.getString(1),
          new double[] {r.getDouble(2), r.getDouble(3), r.getDouble(4)});
    }
    assertEquals(expected.keySet(), actual.keySet());
    for (String key : expected.keySet()) {
      for (int i = 0; i < 3; i++) {
        assertEquals(expected.get(key)[i], actual.get(key)[i], 1e-9, key + " metric " + i);
      }
    }
    // by hand: b -> a has confidence 4/6 and lift (4/6) / (6/10) = 10/9
    assertEquals(10.0 / 9, actual.get("b->a")[2], 1e-9);
    mined.release();
  }

  @Test
  void liftAboveOneAndTheConfidenceKeepTheSevenRulesWorkedOutByHand() {
    BasketMining.Mined mined =
        BasketMining.mine(baskets(), mining("2 baskets", "0.5", 1.0, 3, 100));
    assertEquals(
        List.of("a,c->b", "a->b", "b,c->a", "b->a", "d->e", "e->b", "e->d"),
        ruleNames(mined.rules()));
    assertEquals(7, mined.rulesFound());
    assertEquals(7, mined.rulesKept());
    assertFalse(mined.supportRaised());
    mined.release();
  }

  @Test
  void aConfidenceGivenAsACountKeepsRulesHeldInThatManyBaskets() {
    // only a and b are bought together in 4 baskets: a -> b and b -> a (lift 1.111)
    BasketMining.Mined mined =
        BasketMining.mine(baskets(), mining("2 baskets", "4 baskets", 1.0, 3, 100));
    assertEquals(List.of("a->b", "b->a"), ruleNames(mined.rules()));
    mined.release();
  }

  @Test
  void longAntecedentsAreNotKept() {
    BasketMining.Mined mined =
        BasketMining.mine(baskets(), mining("2 baskets", "0.5", 1.0, 1, 100));
    assertEquals(List.of("a->b", "b->a", "d->e", "e->b", "e->d"), ruleNames(mined.rules()));
    mined.release();
  }

  @Test
  void eachAntecedentKeepsItsBestRules() {
    // e -> b and e -> d both have confidence 0.667: lift decides, 1.667 over 1.111
    BasketMining.Mined mined = BasketMining.mine(baskets(), mining("2 baskets", "0.5", 1.0, 3, 1));
    assertEquals(
        List.of("a,c->b", "a->b", "b,c->a", "b->a", "d->e", "e->d"), ruleNames(mined.rules()));
    assertEquals(7, mined.rulesFound());
    assertEquals(6, mined.rulesKept());
    mined.release();
  }

  @Test
  void aRuleSetPastTheLimitIsRefusedWithAMessageThatSaysWhatToChange() {
    UserError e =
        assertThrows(
            UserError.class,
            () -> BasketMining.mine(baskets(), mining("2 baskets", "0.5", 1.0, 3, 100, 6, "fail")));
    assertEquals(
        "mining found 7 rules, more than recommendations.max-rules (6), at"
            + " recommendations.min-support = 2 baskets (2 of 10 baskets) at item level: raise"
            + " recommendations.min-support or min-confidence, or set"
            + " recommendations.on-too-many-rules = raise-support",
        e.getMessage());
  }

  @Test
  void raisingTheSupportKeepsWhatAMiningAtTheRaisedSupportWouldGive() {
    // 2 rules in 4 baskets, 5 in 2: at most 3 rules means a support of 4 baskets
    BasketMining.Mined raised =
        BasketMining.mine(baskets(), mining("2 baskets", "0.5", 1.0, 3, 100, 3, "raise-support"));
    assertTrue(raised.supportRaised());
    assertEquals(4, raised.minSupportBaskets());
    assertEquals(List.of("a->b", "b->a"), ruleNames(raised.rules()));
    // itemsets in at least 4 baskets: a 6, b 6, c 5, d 4, ab 4
    assertEquals(
        Map.of(
            List.of("a"), 6L,
            List.of("b"), 6L,
            List.of("c"), 5L,
            List.of("d"), 4L,
            List.of("a", "b"), 4L),
        itemsets(raised));
    BasketMining.Mined direct =
        BasketMining.mine(baskets(), mining("4 baskets", "0.5", 1.0, 3, 100));
    assertEquals(ruleNames(direct.rules()), ruleNames(raised.rules()));
    assertEquals(itemsets(direct), itemsets(raised));
    raised.release();
    direct.release();
  }

  @Test
  void theSupportForALimitCountsRulesFromTheMostFrequentDown() {
    Dataset<Row> rules =
        Frames.of(
            "baskets BIGINT", row(10L), row(10L), row(7L), row(5L), row(5L), row(5L), row(3L));
    assertEquals(7, BasketMining.supportForLimit(rules, 4)); // 10, 10, 7; the 5s would make 6
    assertEquals(5, BasketMining.supportForLimit(rules, 6));
    assertEquals(3, BasketMining.supportForLimit(rules, 7));
    assertEquals(11, BasketMining.supportForLimit(rules, 1)); // not even the two 10s fit
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
