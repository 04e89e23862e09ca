package com.retail.lakehouse.jobs.silver;

import static com.retail.lakehouse.jobs.support.Frames.expect;
import static com.retail.lakehouse.jobs.support.Frames.row;
import static com.retail.lakehouse.jobs.support.Frames.values;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.quality.Cleaner;
import com.retail.lakehouse.common.quality.CleaningSpec;
import com.retail.lakehouse.common.quality.Expectation;
import com.retail.lakehouse.common.quality.Field;
import com.retail.lakehouse.common.quality.FieldType;
import com.retail.lakehouse.common.quality.QualityCheck;
import com.retail.lakehouse.common.quality.QualityFailure;
import com.retail.lakehouse.common.quality.QualityGate;
import com.retail.lakehouse.common.quality.Reference;
import com.retail.lakehouse.common.quality.Rule;
import com.retail.lakehouse.common.quality.Severity;
import com.retail.lakehouse.jobs.support.Frames;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link Cleaner} on ten hand-made bronze rows, each with a known fate. */
class CleanerTest {
  private static final Timestamp T1 = Timestamp.valueOf("2024-01-01 10:00:00");
  private static final Timestamp T2 = Timestamp.valueOf("2024-01-02 10:00:00");
  private static final String BRONZE =
      "id STRING, qty STRING, amount STRING, product_id STRING, _source_file STRING,"
          + " _batch_id STRING, _ingested_at TIMESTAMP, _corrupt_record STRING";

  private static Dataset<Row> bronze;
  private static CleaningSpec spec;
  private static Dataset<Row> checked;
  private static Dataset<Row> productIds;

  @BeforeAll
  static void build() {
    bronze =
        Frames.of(
            BRONZE,
            row("1", "2", "3.50", "10", "f1.csv", "b1", T1, null), // valid; replaced by row 8
            row("2", " 5 ", "1.005", "20", "f1.csv", "b1", T1, null), // valid: 5, 1.01 (half-up)
            row("3", "", "2.00", "10", "f1.csv", "b1", T1, null), // blank required qty
            row("4", "x", "abc", "10", "f1.csv", "b1", T1, null), // two invalid values
            row("5", "-1", "1.00", "99", "f1.csv", "b1", T1, null), // unknown product, qty < 0
            row("6", "1", null, null, "f1.csv", "b1", T1, null), // valid: optional fields empty
            row(null, null, null, null, "f1.csv", "b1", T1, "7,\"broken"), // malformed line
            row("1", "3", "4.00", "20", "f2.csv", "b2", T2, null), // valid, newest for id 1
            row("2", "6", "1.01", "20", "f0.csv", "b1", T1, null), // valid, id 2 in older file
            row("8", "1.5", "1.00", "10", "f1.csv", "b1", T1, null)); // qty with a fraction
    // 20 twice: a duplicated reference key must not duplicate rows
    productIds = Frames.of("pid BIGINT", row(10L), row(20L), row(20L));
    spec =
        new CleaningSpec(
            "sales",
            List.of(
                Field.key("id", FieldType.LONG),
                Field.key("qty", FieldType.INT),
                Field.optional("amount", FieldType.CENTS),
                Field.optional("product_id", FieldType.LONG)),
            List.of("id"),
            List.of(Rule.drop("negative_quantity", col("qty").lt(0))),
            List.of(
                new Reference("unknown_product", "product_id", PRODUCTS, "pid", Severity.DROP)));
    checked = check(bronze, spec.expectations());
  }

  private static final TableId PRODUCTS = TableId.of("dim.products");

  private static Dataset<Row> check(Dataset<Row> rows, List<Expectation> expectations) {
    return Cleaner.check(rows, spec, expectations, ref -> productIds);
  }

  /** The defaults with these rules' severities changed, as the configuration would. */
  private static List<Expectation> withSeverity(Severity severity, String... rules) {
    List<String> changed = List.of(rules);
    return spec.expectations().stream()
        .map(
            e ->
                changed.contains(e.rule())
                    ? new Expectation(e.table(), e.rule(), severity, e.maxFailedShare())
                    : e)
        .toList();
  }

  @Test
  void validRowsAreTypedAndTrimmed() {
    List<List<Object>> valid =
        values(Cleaner.filterValid(checked, spec).orderBy("id", "_source_file"));
    assertEquals(
        List.of(
            expect(1L, 2, new BigDecimal("3.50"), 10L, List.of(), "f1.csv", "b1", T1),
            expect(1L, 3, new BigDecimal("4.00"), 20L, List.of(), "f2.csv", "b2", T2),
            expect(2L, 6, new BigDecimal("1.01"), 20L, List.of(), "f0.csv", "b1", T1),
            expect(2L, 5, new BigDecimal("1.01"), 20L, List.of(), "f1.csv", "b1", T1),
            expect(6L, 1, null, null, List.of(), "f1.csv", "b1", T1)),
        valid);
  }

  @Test
  void quarantinedRowsKeepTheRawTextAndNameEveryFailedRule() {
    List<List<Object>> quarantined =
        values(Cleaner.filterQuarantined(checked, spec).orderBy(col("id").asc_nulls_first()));
    // order of the rules: malformed line, then field by field (missing, invalid), then
    // references, then custom rules
    assertEquals(
        List.of(
            expect(
                null,
                null,
                null,
                null,
                "7,\"broken",
                "f1.csv",
                "b1",
                T1,
                List.of("malformed_line", "missing:id", "missing:qty")),
            expect("3", "", "2.00", "10", null, "f1.csv", "b1", T1, List.of("missing:qty")),
            expect(
                "4",
                "x",
                "abc",
                "10",
                null,
                "f1.csv",
                "b1",
                T1,
                List.of("invalid_number:qty", "invalid_amount:amount")),
            expect(
                "5",
                "-1",
                "1.00",
                "99",
                null,
                "f1.csv",
                "b1",
                T1,
                List.of("unknown_product", "negative_quantity")),
            expect(
                "8", "1.5", "1.00", "10", null, "f1.csv", "b1", T1, List.of("invalid_number:qty"))),
        quarantined);
  }

  @Test
  void aCacheOfTheCheckedRowsHoldsTheRawTextOfQuarantinedRowsOnly() {
    Dataset<Row> cached = Cleaner.withRawOfQuarantinedOnly(checked, spec);

    assertEquals(
        values(Cleaner.filterValid(checked, spec).orderBy("id", "_source_file")),
        values(Cleaner.filterValid(cached, spec).orderBy("id", "_source_file")));
    assertEquals(
        values(Cleaner.filterQuarantined(checked, spec).orderBy(col("id").asc_nulls_first())),
        values(Cleaner.filterQuarantined(cached, spec).orderBy(col("id").asc_nulls_first())));
    assertEquals(Cleaner.countFailures(checked), Cleaner.countFailures(cached));
    // the five kept rows keep no raw text
    List<List<Object>> keptAsRead = values(Cleaner.filterValidAsRead(cached, spec));
    assertEquals(5, keptAsRead.size());
    for (List<Object> row : keptAsRead) {
      assertEquals(Arrays.asList(null, null, null, null, null), row.subList(0, 5), row.toString());
    }
  }

  @Test
  void everyRowIsEitherValidOrQuarantined() {
    long valid = Cleaner.filterValid(checked, spec).count();
    long quarantined = Cleaner.filterQuarantined(checked, spec).count();
    assertEquals(5, valid);
    assertEquals(5, quarantined);
    assertEquals(bronze.count(), valid + quarantined); // 10 = 5 + 5
  }

  @Test
  void dedupeKeepsTheLatestIngestThenTheLatestFile() {
    List<List<Object>> kept =
        values(
            Cleaner.dedupeByKey(Cleaner.filterValid(checked, spec), spec.naturalKey())
                .orderBy("id"));
    assertEquals(
        List.of(
            // id 1: T2 is later than T1
            expect(1L, 3, new BigDecimal("4.00"), 20L, List.of(), "f2.csv", "b2", T2),
            // id 2: same ingest time, "f1.csv" > "f0.csv"
            expect(2L, 5, new BigDecimal("1.01"), 20L, List.of(), "f1.csv", "b1", T1),
            expect(6L, 1, null, null, List.of(), "f1.csv", "b1", T1)),
        kept);
  }

  @Test
  void withoutCorruptRecordColumnNoRowIsMalformed() {
    Dataset<Row> clean = bronze.filter(col("_corrupt_record").isNull()).drop("_corrupt_record");
    Dataset<Row> result = check(clean, spec.expectations());
    assertEquals(5, Cleaner.filterValid(result, spec).count());
    assertEquals(4, Cleaner.filterQuarantined(result, spec).count()); // rows 3, 4, 5, 8
  }

  @Test
  void missingColumnsAreNamedUpFront() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> check(bronze.drop("_batch_id", "qty"), spec.expectations()));
    assertTrue(
        e.getMessage().startsWith("sales: bronze input lacks columns [qty, _batch_id]"),
        e.getMessage());
  }

  @Test
  void aWarnRuleKeepsTheRowAndFlagsIt() {
    // row 5 fails unknown_product and negative_quantity: still quarantined while one is drop
    Dataset<Row> oneWarn = check(bronze, withSeverity(Severity.WARN, "unknown_product"));
    assertEquals(5, Cleaner.filterValid(oneWarn, spec).count());
    Dataset<Row> bothWarn =
        check(bronze, withSeverity(Severity.WARN, "unknown_product", "negative_quantity"));
    assertEquals(
        List.of(expect(5L, -1, List.of("unknown_product", "negative_quantity"))),
        values(
            Cleaner.filterValid(bothWarn, spec)
                .filter(col("id").equalTo(5))
                .select("id", "qty", Cleaner.DQ_FLAGS)));
    assertEquals(6, Cleaner.filterValid(bothWarn, spec).count());
    assertEquals(4, Cleaner.filterQuarantined(bothWarn, spec).count());
  }

  @Test
  void failuresAreCountedPerRuleInOnePass() {
    Cleaner.RuleCounts counts = Cleaner.countFailures(checked);
    assertEquals(10, counts.rows());
    Map<String, Long> expected = new TreeMap<>();
    expected.put("malformed_line", 1L); // row 7
    expected.put("missing:id", 1L); // row 7
    expected.put("missing:qty", 2L); // rows 3 and 7
    expected.put("invalid_number:qty", 2L); // rows 4 and 8
    expected.put("invalid_amount:amount", 1L); // row 4
    expected.put("unknown_product", 1L); // row 5
    expected.put("negative_quantity", 1L); // row 5
    assertEquals(expected, new TreeMap<>(counts.failed()));
  }

  @Test
  void aFailRuleOrAShareAboveItsThresholdStopsTheStage() {
    Cleaner.RuleCounts counts = Cleaner.countFailures(checked);
    // defaults over 10 rows, judged from 100 rows on: warnings only
    List<QualityCheck> lenient = QualityGate.judge(counts, spec.expectations(), 100);
    QualityGate.requireNoFailure(lenient);
    assertEquals(
        List.of(
            "invalid_amount:amount",
            "invalid_number:qty",
            "malformed_line",
            "missing:id",
            "missing:qty",
            "negative_quantity",
            "unknown_product"),
        lenient.stream()
            .filter(c -> c.status().equals(QualityCheck.WARNING))
            .map(QualityCheck::rule)
            .sorted()
            .toList());

    // a fail rule with one failing row
    QualityFailure e =
        assertThrows(
            QualityFailure.class,
            () ->
                QualityGate.requireNoFailure(
                    QualityGate.judge(
                        counts, withSeverity(Severity.FAIL, "negative_quantity"), 100)));
    assertEquals(
        "data quality: sales: negative_quantity fail 1 of 10 rows (10.00%): a fail rule;"
            + " nothing was committed (see bin/pipeline quality)",
        e.getMessage());

    // judged over 10 rows, 2 of 10 missing a quantity is above the 5% layout threshold
    QualityFailure share =
        assertThrows(
            QualityFailure.class,
            () -> QualityGate.requireNoFailure(QualityGate.judge(counts, spec.expectations(), 10)));
    assertTrue(
        share.getMessage().startsWith("data quality: sales: malformed_line drop 1 of 10"),
        share.getMessage());
    assertTrue(share.getMessage().contains("above its max-failed-share 5.00%"), share.getMessage());
  }
}
