package com.retail.lakehouse.jobs.recommend;

import static com.retail.lakehouse.jobs.support.Frames.expect;
import static com.retail.lakehouse.jobs.support.Frames.row;
import static com.retail.lakehouse.jobs.support.Frames.values;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.retail.lakehouse.jobs.support.Frames;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The baselines and the blend on hand-made lines. hh1 buys 10 and 11 (basket 1), 10 (basket 2), 12
 * (basket 3); hh2 buys 11 and 13; hh3 buys 11. Buyers per product: 11 by 3 households, 10, 12 and
 * 13 by 1 each.
 */
class ModelsTest {
  private static Dataset<Row> lines() {
    Timestamp t = Timestamp.valueOf("2017-05-01 10:00:00");
    return Frames.of(
        "household_id BIGINT, basket_id BIGINT, product_id BIGINT, item STRING,"
            + " transaction_timestamp TIMESTAMP",
        row(1L, 1L, 10L, "A", t),
        row(1L, 1L, 11L, "B", t),
        row(1L, 2L, 10L, "A", t),
        row(1L, 3L, 12L, "C", t),
        row(2L, 4L, 11L, "B", t),
        row(2L, 4L, 13L, "D", t),
        row(3L, 5L, 11L, "B", t));
  }

  @Test
  void buyAgainRanksAHouseholdsProductsByTheShareOfItsBaskets() {
    // hh1: 10 in 2 of 3 baskets, then 11 and 12 in 1 of 3 (product id breaks the tie)
    assertEquals(
        List.of(
            expect(1L, 1, 10L, "A", 2.0 / 3, null, List.of("bought in 2 of 3 baskets")),
            expect(1L, 2, 11L, "B", 1.0 / 3, null, List.of("bought in 1 of 3 baskets")),
            expect(2L, 1, 11L, "B", 1.0, null, List.of("bought in 1 of 1 baskets")),
            expect(2L, 2, 13L, "D", 1.0, null, List.of("bought in 1 of 1 baskets")),
            expect(3L, 1, 11L, "B", 1.0, null, List.of("bought in 1 of 1 baskets"))),
        values(Baselines.buyAgain(Purchases.of(lines()), 2).orderBy("household_id", "rank")));
  }

  @Test
  void popularRecommendsTheMostBoughtProductsAHouseholdHasNot() {
    // 11 (3 buyers) is everyone's; then 10, 12, 13 (1 of 3 households each), by product id
    assertEquals(
        List.of(
            expect(1L, 1, 13L),
            expect(2L, 1, 10L),
            expect(2L, 2, 12L),
            expect(3L, 1, 10L),
            expect(3L, 2, 12L)),
        values(
            Baselines.popular(Purchases.of(lines()), 2)
                .select("household_id", "rank", "product_id")
                .orderBy("household_id", "rank")));
    assertEquals(
        List.of(expect(1.0 / 3, List.of("popular: bought by 1 households"))),
        values(
            Baselines.popular(Purchases.of(lines()), 2)
                .filter("household_id = 1")
                .select("score", "because")));
  }

  private static Dataset<Row> list(Object[]... rows) {
    return Frames.of(
        "household_id BIGINT, rank INT, product_id BIGINT, item STRING, score DOUBLE, lift DOUBLE,"
            + " because ARRAY<STRING>",
        rows);
  }

  private static Object[] rec(int rank, long product) {
    return row(1L, rank, product, "I" + product, 1.0 / rank, null, List.of("r" + product));
  }

  @Test
  void aBlendTakesTheFirstListsHeadThenTheSecondsThenFills() {
    Dataset<Row> first = list(rec(1, 100), rec(2, 200), rec(3, 300));
    // 200 is in both: listed once, where the first list puts it
    Dataset<Row> second = list(rec(1, 400), rec(2, 200), rec(3, 500));
    assertEquals(
        List.of(expect(1, 100L), expect(2, 200L), expect(3, 400L), expect(4, 500L)),
        values(Models.blend(first, second, 2, 4).select("rank", "product_id").orderBy("rank")));
    // the second list runs short: the first list's third fills the last slot
    assertEquals(
        List.of(
            expect(1, 100L, List.of("r100")),
            expect(2, 200L, List.of("r200")),
            expect(3, 400L, List.of("r400")),
            expect(4, 300L, List.of("r300"))),
        values(
            Models.blend(first, list(rec(1, 400)), 2, 4)
                .select("rank", "product_id", "because")
                .orderBy("rank")));
  }
}
