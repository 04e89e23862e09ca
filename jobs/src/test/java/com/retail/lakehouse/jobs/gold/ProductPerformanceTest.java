package com.retail.lakehouse.jobs.gold;

import static com.retail.lakehouse.jobs.support.Frames.expect;
import static com.retail.lakehouse.jobs.support.Frames.values;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * By hand over every line of {@link GoldFixtures#transactions()}:
 *
 * <pre>
 * product baskets          households qty        revenue                    discounts
 * 100     11,12,32,51 = 4  1,3,5 = 3  1+1+1+1=4  3.87+4.14+0.01+2.00=10.02  0.50+0.25+0.10=0.85
 * 200     11,21,33,41 = 4  1,2,3,4=4  2+1+1+1=5  2.00+1.00+5.01+1.25=9.26   0.20+0.40+0.40=1.00
 * 300     13,31,41 = 3     1,3,4 = 3  5+3+1=9    50.00+9.99+1.25=61.24      1.00
 * 400     21 = 1           2 = 1      2          0.50                       0.00
 * </pre>
 *
 * Ranks by baskets: 100 and 200 share 1, 300 is 3 (not 2), 400 is 4. Product 300 has no department
 * or category in the catalogue, product 400 is not in it (a late-arriving dimension): both show
 * under the department and category UNKNOWN.
 */
class ProductPerformanceTest {
  @Test
  void ranksProductsByBasketsWithTiesSharingARank() {
    assertEquals(
        expected(),
        values(ProductPerformance.summarize(GoldFixtures.transactions(), GoldFixtures.products())));
  }

  /**
   * The baskets from 2017-03-01 and basket 41 added to the figures of the others: household 1's
   * basket 12 brings product 100 a basket but no household (its basket 11 held 100 already);
   * households 5 (100), 4 (200, 300) and 1 (300) are new to those products. The same table.
   */
  @Test
  void linesAddedToStoredFiguresGiveTheFiguresOfAllLines() {
    Dataset<Row> all = GoldFixtures.transactions();
    Column isAdded =
        col("transaction_date")
            .geq(lit(Date.valueOf("2017-03-01")))
            .or(col("basket_id").equalTo(41));
    Dataset<Row> earlier = all.filter(not(isAdded));
    Dataset<Row> added = all.filter(isAdded);
    Dataset<Row> stored = ProductPerformance.base(earlier, GoldFixtures.products());
    Dataset<Row> plus = ProductPerformance.plus(stored, added, earlier, GoldFixtures.products());
    Dataset<Row> kept =
        stored.join(plus.select("product_id"), Columns.seq("product_id"), "left_anti");
    assertEquals(expected(), values(ProductPerformance.rank(kept.unionByName(plus))));
  }

  private static List<List<Object>> expected() {
    return List.of(
        expect(
            100L, "GROCERY", "National", "SOUP", "SOUP CAN", 4L, 3L, 4L, m("10.02"), m("0.85"), 1),
        expect(200L, "PRODUCE", "Private", "FRUIT", "APPLES", 4L, 4L, 5L, m("9.26"), m("1.00"), 1),
        expect(300L, "UNKNOWN", "National", "UNKNOWN", null, 3L, 3L, 9L, m("61.24"), m("1.00"), 3),
        expect(400L, "UNKNOWN", null, "UNKNOWN", null, 1L, 1L, 2L, m("0.50"), m("0.00"), 4));
  }

  private static BigDecimal m(String s) {
    return new BigDecimal(s);
  }
}
