package com.retail.lakehouse.jobs.recommend;

import static com.retail.lakehouse.jobs.support.Frames.expect;
import static com.retail.lakehouse.jobs.support.Frames.row;
import static com.retail.lakehouse.jobs.support.Frames.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.config.Threshold;
import com.retail.lakehouse.jobs.support.Frames;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class EvaluationTest {
  private static final LocalDate CUTOFF = LocalDate.parse("2017-06-10");
  private static final LocalDate END = LocalDate.parse("2017-06-20");

  private static Object[] line(long hh, long basket, long product, String day) {
    return row(
        hh,
        basket,
        product,
        "T" + product,
        Timestamp.valueOf(day + " 12:00:00"),
        Date.valueOf(day));
  }

  /**
   * hh1 buys 10 before the cut-off, 10 and 11 after (11 first bought on the day after the cut-off);
   * hh2 buys 20 on the cut-off day itself (training) and 21 on the end day (test); hh3 shops only
   * after the cut-off (unknown to any model: not judged); hh4 buys 40 after the end (neither).
   */
  private static Dataset<Row> lines() {
    return Frames.of(
        "household_id BIGINT, basket_id BIGINT, product_id BIGINT, item STRING,"
            + " transaction_timestamp TIMESTAMP, transaction_date DATE",
        line(1, 1, 10, "2017-06-01"),
        line(1, 2, 10, "2017-06-11"),
        line(1, 2, 11, "2017-06-11"),
        line(2, 3, 20, "2017-06-10"),
        line(2, 4, 21, "2017-06-20"),
        line(3, 5, 30, "2017-06-12"),
        line(4, 6, 40, "2017-06-05"),
        line(4, 7, 41, "2017-06-21"));
  }

  @Test
  void theSplitLeaksNothingFromAfterTheCutoffIntoTraining() {
    Evaluation.Split split = Evaluation.split(lines(), CUTOFF, END);
    assertEquals(
        List.of(expect(1L), expect(3L), expect(6L)),
        values(split.train().select("basket_id").distinct().orderBy("basket_id")));
    assertEquals(
        0, split.train().filter("transaction_date > DATE'2017-06-10'").count(), "lines after");
    assertEquals(
        List.of(expect(1L, 10L), expect(1L, 11L), expect(2L, 21L)),
        values(split.truth().orderBy("household_id", "product_id")));
    // a model built from the training lines cannot know product 11, first bought after the cut-off
    List<List<Object>> again =
        values(
            Baselines.buyAgain(Purchases.of(split.train()), 10)
                .select("household_id", "product_id"));
    assertTrue(again.stream().noneMatch(r -> r.get(1).equals(11L)), again.toString());
    assertEquals(List.of(expect(1L, 10L), expect(2L, 20L), expect(4L, 40L)), sorted(again));
  }

  private static List<List<Object>> sorted(List<List<Object>> rows) {
    rows.sort((a, b) -> Long.compare((Long) a.get(0), (Long) b.get(0)));
    return rows;
  }

  /**
   * K = 3. hh1 wants {1, 2, 3} and gets 1 (hit), 9, 3 (hit): precision 2/3, recall 2/3, AP (1/1 +
   * 2/3) / 3 = 5/9. hh2 wants {5} and gets 7, 8: all 0. hh4 wants {6} and gets nothing: all 0. hh3
   * gets 1 but bought nothing after the cut-off: not judged. Means over 3 households: precision
   * 2/9, recall 2/9, MAP 5/27. Coverage: products 1, 3, 7, 8, 9 of a catalogue of 20 = 0.25. A
   * recommendation at rank 4 (hh1's 2) is beyond K and counts for nothing.
   */
  @Test
  void metricsWorkedOutByHand() {
    Dataset<Row> recs =
        Frames.of(
            "household_id BIGINT, rank INT, product_id BIGINT",
            row(1L, 1, 1L),
            row(1L, 2, 9L),
            row(1L, 3, 3L),
            row(1L, 4, 2L),
            row(2L, 1, 7L),
            row(2L, 2, 8L),
            row(3L, 1, 1L));
    Dataset<Row> truth =
        Frames.of(
            "household_id BIGINT, product_id BIGINT",
            row(1L, 1L),
            row(1L, 2L),
            row(1L, 3L),
            row(2L, 5L),
            row(4L, 6L));
    Evaluation.Metrics m = Evaluation.measure(recs, truth, 3, 20);
    assertEquals(3, m.households());
    assertEquals(2.0 / 9, m.precision(), 1e-12);
    assertEquals(2.0 / 9, m.recall(), 1e-12);
    assertEquals(5.0 / 27, m.map(), 1e-12);
    assertEquals(0.25, m.coverage(), 1e-12);
  }

  /** AP divides by min(K, wanted): one wanted product found at rank 2 is AP 1/2, not 1/6. */
  @Test
  void averagePrecisionDividesByWhatCouldBeFound() {
    Dataset<Row> recs =
        Frames.of(
            "household_id BIGINT, rank INT, product_id BIGINT", row(1L, 1, 9L), row(1L, 2, 5L));
    Dataset<Row> truth = Frames.of("household_id BIGINT, product_id BIGINT", row(1L, 5L));
    Evaluation.Metrics m = Evaluation.measure(recs, truth, 3, 10);
    assertEquals(0.5, m.map(), 1e-12);
    assertEquals(1.0 / 3, m.precision(), 1e-12);
    assertEquals(1.0, m.recall(), 1e-12);
  }

  @Test
  void theGateHoldsBackAModelBelowThePopularityBaseline() {
    Evaluation.Metrics low = new Evaluation.Metrics(10, 0.1, 0.1, 0.05, 0.3);
    Evaluation.Metrics high = new Evaluation.Metrics(10, 0.2, 0.2, 0.08, 0.1);
    assertEquals(
        HoldOut.HOLD_BACK,
        HoldOut.verdict(
            List.of(new HoldOut.Result("rules", low, 1), new HoldOut.Result("popular", high, 1)),
            "rules"));
    assertEquals(
        HoldOut.PUBLISH,
        HoldOut.verdict(
            List.of(new HoldOut.Result("rules", high, 1), new HoldOut.Result("popular", low, 1)),
            "rules"));
    // equal is not worse
    assertEquals(
        HoldOut.PUBLISH,
        HoldOut.verdict(
            List.of(new HoldOut.Result("rules", low, 1), new HoldOut.Result("popular", low, 1)),
            "rules"));
    assertEquals(
        HoldOut.PUBLISH,
        HoldOut.verdict(List.of(new HoldOut.Result("popular", low, 1)), "popular"));
  }

  @Test
  void theCutoffIsTheLogicalDateMinusTheHoldOutDays() {
    Settings.Recommendations p =
        new Settings.Recommendations(
            new Settings.Mining(
                "product_type",
                Threshold.ofBaskets(2),
                Threshold.ofFraction("0.1"),
                1,
                2,
                10,
                1000,
                "fail",
                40),
            "rules",
            5,
            10,
            8,
            28,
            7);
    assertEquals(LocalDate.parse("2017-12-05"), HoldOut.cutoff(LocalDate.parse("2018-01-02"), p));
  }
}
