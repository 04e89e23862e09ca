package com.retail.lakehouse.jobs.local.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's agreement check on tiny hand-made tables: it must name the first difference, and only
 * a real one (a number written with another scale is the same number).
 */
class AgreementTest {
  private static final List<String> COLUMNS = List.of("household_id", "baskets", "total_spend");

  private static Iterator<List<String>> rows(String... lines) {
    return Arrays.stream(lines)
        .map(l -> Arrays.stream(l.split(",", -1)).map(v -> v.isEmpty() ? null : v).toList())
        .iterator();
  }

  private static Optional<String> compare(String[] pipeline, String[] duckdb) {
    return Agreement.firstDifference(
        "customer_summary",
        COLUMNS,
        new Agreement.Side("pipeline", rows(pipeline)),
        new Agreement.Side("duckdb", rows(duckdb)));
  }

  @Test
  void equalTablesAgreeAlsoWhenAmountsAreWrittenWithAnotherScale() {
    assertEquals(
        Optional.empty(),
        compare(new String[] {"9,3,10.00", "10,1,0.50"}, new String[] {"9,3,10.0", "10,1,0.5"}));
  }

  @Test
  void aValueOffByOneCentIsTheFirstDifference() {
    assertEquals(
        Optional.of("customer_summary: household_id 10: total_spend pipeline 0.50, duckdb 0.51"),
        compare(
            new String[] {"9,3,10.00", "10,1,0.50", "11,2,1.00"},
            new String[] {"9,3,10.00", "10,1,0.51", "11,2,2.00"}));
  }

  @Test
  void keysCompareAsNumbersSoAMissingRowIsNamed() {
    // 9 sorts before 10 as a number (not as text): household 9 is missing from the pipeline side.
    assertEquals(
        Optional.of(
            "customer_summary: household_id 9 is in the duckdb result but not in the pipeline one"),
        compare(new String[] {"10,1,0.50"}, new String[] {"9,3,10.00", "10,1,0.50"}));
    assertEquals(
        Optional.of(
            "customer_summary: household_id 11 is in the pipeline result but not in the duckdb one"),
        compare(new String[] {"10,1,0.50", "11,1,1.00"}, new String[] {"10,1,0.50"}));
  }

  @Test
  void aMissingValueDiffersFromZero() {
    assertEquals(
        Optional.of("customer_summary: household_id 1: baskets pipeline (missing), duckdb 0"),
        compare(new String[] {"1,,1.00"}, new String[] {"1,0,1.00"}));
  }

  @Test
  void countsDifferByName() {
    assertEquals(Optional.empty(), Agreement.countDifference("rules", 3, "pipeline", 3, "mlxtend"));
    assertEquals(
        Optional.of("association rules: pipeline 1,234, mlxtend 1,233"),
        Agreement.countDifference("association rules", 1234, "pipeline", 1233, "mlxtend"));
  }

  @Test
  void csvRowsChecksTheHeaderAndReadsEmptyFieldsAsNull(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("t.csv");
    Files.writeString(file, "household_id,baskets,total_spend\n1,,2.50\n2,4,0.00\n");
    Iterator<List<String>> it = Agreement.csvRows(file, COLUMNS);
    assertEquals(Arrays.asList("1", null, "2.50"), it.next());
    assertEquals(List.of("2", "4", "0.00"), it.next());
    assertTrue(!it.hasNext());
    assertThrows(
        IllegalStateException.class, () -> Agreement.csvRows(file, List.of("product_id", "x")));
  }

  @Test
  void gnuTimesPeakMemoryIsRead() {
    String report =
        "\tCommand being timed: \"psql\"\n"
            + "\tElapsed (wall clock) time (h:mm:ss or m:ss): 0:01.20\n"
            + "\tMaximum resident set size (kbytes): 123456\n";
    assertEquals(123456, Measured.maxRssKb(report));
    assertEquals(-1, Measured.maxRssKb("no report"));
  }
}
