package com.retail.lakehouse.jobs.recommend;

import static com.retail.lakehouse.jobs.support.Frames.expect;
import static com.retail.lakehouse.jobs.support.Frames.row;
import static com.retail.lakehouse.jobs.support.Frames.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.retail.lakehouse.jobs.support.Frames;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Items are product types. Most popular product per item (by baskets): SOUP 100 (baskets 1, 3) over
 * 101 (basket 2); MILK 300 (baskets 4, 5) over 301 (basket 6); BREAD 200; EGGS 400.
 *
 * <ul>
 *   <li>hh1 has {SOUP}: SOUP->BREAD 0.8 gives 200, SOUP->MILK 0.6 gives 300
 *   <li>hh2 has {SOUP, BREAD}: BREAD is had; MILK by its best rule, [BREAD, SOUP]->MILK 0.9
 *   <li>hh3 has {MILK} (product 999 has no item): MILK->EGGS 0.5 gives 400
 *   <li>hh4 has {EGGS, MILK}: EGGS->SOUP 0.7 gives 100
 * </ul>
 */
class RecommenderTest {
  private static Dataset<Row> lines() {
    return Frames.of(
        "household_id BIGINT, basket_id BIGINT, product_id BIGINT, item STRING",
        row(1L, 1L, 100L, "SOUP"),
        row(1L, 2L, 101L, "SOUP"),
        row(2L, 3L, 100L, "SOUP"),
        row(2L, 3L, 200L, "BREAD"),
        row(3L, 4L, 300L, "MILK"),
        row(3L, 4L, 999L, null),
        row(4L, 5L, 400L, "EGGS"),
        row(4L, 5L, 300L, "MILK"),
        row(4L, 6L, 301L, "MILK"));
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
        // a negative association (lift below 1): were it used, households 3 and 4 would get BREAD
        row(List.of("MILK"), "BREAD", 0.1, 0.95, 0.9));
  }

  @Test
  void recommendsTheBestRulesMostPopularProducts() {
    assertEquals(
        List.of(
            expect(1L, 1, 200L, "BREAD", 0.8, 2.0, List.of("SOUP")),
            expect(1L, 2, 300L, "MILK", 0.6, 1.5, List.of("SOUP")),
            expect(2L, 1, 300L, "MILK", 0.9, 1.2, List.of("BREAD", "SOUP")),
            expect(3L, 1, 400L, "EGGS", 0.5, 3.0, List.of("MILK")),
            expect(4L, 1, 100L, "SOUP", 0.7, 1.1, List.of("EGGS"))),
        values(Recommender.recommend(lines(), rules(), 10)));
  }

  @Test
  void topNCutsEachHouseholdsList() {
    List<List<Object>> top1 =
        values(
            Recommender.recommend(lines(), rules(), 1)
                .select("household_id", "rank", "product_id"));
    assertEquals(
        List.of(expect(1L, 1, 200L), expect(2L, 1, 300L), expect(3L, 1, 400L), expect(4L, 1, 100L)),
        top1);
  }

  @Test
  void neverRecommendsAProductTheHouseholdBought() {
    Map<Long, Set<Long>> bought = new HashMap<>();
    for (Row r : lines().collectAsList()) {
      bought.computeIfAbsent(r.getLong(0), k -> new HashSet<>()).add(r.getLong(2));
    }
    for (Row r : Recommender.recommend(lines(), rules(), 10).collectAsList()) {
      assertFalse(bought.get(r.getLong(0)).contains(r.getLong(2)), r.toString());
    }
  }
}
