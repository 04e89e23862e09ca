package com.retail.lakehouse.jobs.recommend;

import static com.retail.lakehouse.jobs.support.Frames.expect;
import static com.retail.lakehouse.jobs.support.Frames.row;
import static com.retail.lakehouse.jobs.support.Frames.values;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.retail.lakehouse.jobs.support.Frames;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Items are product types. Most bought product per item (by baskets): SOUP 100 (baskets 1, 3) over
 * 101 (basket 8); MILK 300 (baskets 31, 4, 5) over 301 (basket 6); BREAD 200 (3, 7); EGGS 400; TEA
 * 500. Baskets in time order per household, and what the rules give, worked out by hand:
 *
 * <ul>
 *   <li>hh1: 1 {SOUP} day 1, 2 {TEA} day 5. Last 2: SOUP -> BREAD 0.8 (200), SOUP -> MILK 0.6
 *       (300), TEA -> EGGS 0.4 (400). Last 1: only TEA -> EGGS.
 *   <li>hh2: 31 {MILK 300} day 1, 32 {TEA} day 2, 3 {SOUP, BREAD} day 3. Last 2 or 1: MILK by its
 *       best rule [BREAD, SOUP] -> MILK 0.9 (over SOUP -> MILK 0.6), as 301 since 300 was bought;
 *       BREAD is in a recent basket. Last 2 adds TEA -> EGGS 0.4 (400).
 *   <li>hh3: 4 {MILK, product 999 without an item}: MILK -> EGGS 0.5 (400).
 *   <li>hh4: 5 {EGGS 400, MILK 300} day 1, 6 {MILK 301} day 4. Last 2: EGGS is in a recent basket,
 *       EGGS -> SOUP 0.7 gives 100. Last 1: MILK -> EGGS, but 400 (EGGS' only product) was bought:
 *       nothing.
 *   <li>hh5: 7 {BREAD 200} day 1, 8 {SOUP 101} day 2. Last 2: [BREAD, SOUP] -> MILK needs both in
 *       one basket, so SOUP -> MILK 0.6 (300); BREAD is recent. Last 1: SOUP -> BREAD 0.8 would be
 *       200, bought; SOUP -> MILK 0.6 (300).
 * </ul>
 */
class RecommenderTest {
  private static Object[] line(long hh, long basket, long product, String item, int day) {
    return row(hh, basket, product, item, Timestamp.valueOf("2017-03-0" + day + " 10:00:00"));
  }

  private static Dataset<Row> lines() {
    return Frames.of(
        "household_id BIGINT, basket_id BIGINT, product_id BIGINT, item STRING,"
            + " transaction_timestamp TIMESTAMP",
        line(1, 1, 100, "SOUP", 1),
        line(1, 2, 500, "TEA", 5),
        line(2, 31, 300, "MILK", 1),
        line(2, 32, 500, "TEA", 2),
        line(2, 3, 100, "SOUP", 3),
        line(2, 3, 200, "BREAD", 3),
        line(3, 4, 300, "MILK", 2),
        line(3, 4, 999, null, 2),
        line(4, 5, 400, "EGGS", 1),
        line(4, 5, 300, "MILK", 1),
        line(4, 6, 301, "MILK", 4),
        line(5, 7, 200, "BREAD", 1),
        line(5, 8, 101, "SOUP", 2));
  }

  private static Dataset<Row> rules() {
    return Frames.of(
        "antecedent ARRAY<STRING>, consequent STRING, support DOUBLE, confidence DOUBLE,"
            + " lift DOUBLE",
        row(List.of("SOUP"), "BREAD", 0.1, 0.8, 2.0),
        row(List.of("SOUP"), "MILK", 0.1, 0.6, 1.5),
        row(List.of("BREAD", "SOUP"), "MILK", 0.1, 0.9, 1.2),
        row(List.of("MILK"), "EGGS", 0.1, 0.5, 3.0),
        row(List.of("EGGS"), "SOUP", 0.1, 0.7, 1.1),
        row(List.of("TEA"), "EGGS", 0.1, 0.4, 5.0));
  }

  private static List<List<Object>> recommend(int recentBaskets, int topN) {
    return values(
        Recommender.recommend(
                Purchases.of(lines()),
                rules(),
                Recommender.itemProducts(lines()),
                recentBaskets,
                2,
                topN)
            .orderBy("household_id", "rank"));
  }

  @Test
  void rulesApplyToTheLastTwoBaskets() {
    assertEquals(
        List.of(
            expect(1L, 1, 200L, "BREAD", 0.8, 2.0, List.of("SOUP")),
            expect(1L, 2, 300L, "MILK", 0.6, 1.5, List.of("SOUP")),
            expect(1L, 3, 400L, "EGGS", 0.4, 5.0, List.of("TEA")),
            expect(2L, 1, 301L, "MILK", 0.9, 1.2, List.of("BREAD", "SOUP")),
            expect(2L, 2, 400L, "EGGS", 0.4, 5.0, List.of("TEA")),
            expect(3L, 1, 400L, "EGGS", 0.5, 3.0, List.of("MILK")),
            expect(4L, 1, 100L, "SOUP", 0.7, 1.1, List.of("EGGS")),
            expect(5L, 1, 300L, "MILK", 0.6, 1.5, List.of("SOUP"))),
        recommend(2, 10));
  }

  @Test
  void rulesApplyToTheLastBasketOnly() {
    assertEquals(
        List.of(
            expect(1L, 1, 400L, "EGGS", 0.4, 5.0, List.of("TEA")),
            expect(2L, 1, 301L, "MILK", 0.9, 1.2, List.of("BREAD", "SOUP")),
            expect(3L, 1, 400L, "EGGS", 0.5, 3.0, List.of("MILK")),
            expect(5L, 1, 300L, "MILK", 0.6, 1.5, List.of("SOUP"))),
        recommend(1, 10));
  }

  @Test
  void topNCutsEachHouseholdsList() {
    assertEquals(
        List.of(
            expect(1L, 1, 200L),
            expect(2L, 1, 301L),
            expect(3L, 1, 400L),
            expect(4L, 1, 100L),
            expect(5L, 1, 300L)),
        values(
            Recommender.recommend(
                    Purchases.of(lines()), rules(), Recommender.itemProducts(lines()), 2, 2, 1)
                .select("household_id", "rank", "product_id")
                .orderBy("household_id")));
  }

  @Test
  void neverRecommendsAProductTheHouseholdBought() {
    Map<Long, Set<Long>> bought = new HashMap<>();
    for (Row r : lines().collectAsList()) {
      bought.computeIfAbsent(r.getLong(0), k -> new HashSet<>()).add(r.getLong(2));
    }
    for (int recent = 1; recent <= 3; recent++) {
      for (Row r :
          Recommender.recommend(
                  Purchases.of(lines()), rules(), Recommender.itemProducts(lines()), recent, 2, 10)
              .collectAsList()) {
        assertFalse(bought.get(r.getLong(0)).contains(r.getLong(2)), r.toString());
      }
    }
  }

  @Test
  void subsetsOfASortedBasketUpToASize() {
    Dataset<Row> baskets =
        Frames.of(
            "id INT, items ARRAY<STRING>",
            row(1, List.of("a", "b", "c")),
            row(2, List.of("a")),
            row(3, List.of()));
    assertEquals(
        List.of(
            List.of(List.of("a"), List.of("b"), List.of("c")), List.of(List.of("a")), List.of()),
        subsets(baskets, 1));
    assertEquals(
        List.of(
            List.of("a"),
            List.of("b"),
            List.of("c"),
            List.of("a", "b"),
            List.of("a", "c"),
            List.of("b", "c"),
            List.of("a", "b", "c")),
        subsets(baskets, 3).get(0));
  }

  /** Each basket's subsets, as plain lists. */
  private static List<List<List<String>>> subsets(Dataset<Row> baskets, int maxSize) {
    List<List<List<String>>> out = new java.util.ArrayList<>();
    for (Row r :
        baskets.orderBy("id").select(Recommender.subsets(col("items"), maxSize)).collectAsList()) {
      List<List<String>> sets = new java.util.ArrayList<>();
      for (Object set : r.getList(0)) {
        sets.add(
            new java.util.ArrayList<>(
                scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<String>) set)));
      }
      out.add(sets);
    }
    return out;
  }
}
