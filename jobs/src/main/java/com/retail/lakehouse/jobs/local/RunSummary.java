package com.retail.lakehouse.jobs.local;

import static org.apache.spark.sql.functions.col;

import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.quality.QualityCheck;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The report that ends a local run: rows per layer and table; per source, the rows this run read,
 * wrote, flagged, quarantined and removed as duplicates (which add up); the rules rows failed; the
 * quality verdict; where the lake and the database are.
 */
final class RunSummary {
  private RunSummary() {}

  /** Rows of every table of the lake, by table (read from the Delta log when it has them). */
  static Map<TableId, Long> tableRows(SparkSession spark, Lake lake) {
    Map<TableId, Long> rows = new LinkedHashMap<>();
    for (TableId t : lake.tables(spark)) {
      rows.put(t, lake.rowCount(spark, t));
    }
    return rows;
  }

  /** Per source, the silver run's counts: read, written, flagged, quarantined, duplicates. */
  static Map<String, long[]> sourceCounts(SparkSession spark, Lake lake, String runId) {
    Map<String, long[]> counts = new TreeMap<>();
    if (!lake.exists(spark, Tables.OPS_PIPELINE_RUNS)) {
      return counts;
    }
    List<Row> rows =
        lake.read(spark, Tables.OPS_PIPELINE_RUNS)
            .filter(col("run_id").equalTo(runId).and(col("stage").equalTo("silver")))
            .select(org.apache.spark.sql.functions.explode(col("details")))
            .collectAsList();
    List<String> kinds = List.of("read", "written", "flagged", "quarantined", "duplicates");
    for (Row r : rows) {
      String key = r.getString(0);
      int dot = key.lastIndexOf('.');
      int kind = kinds.indexOf(key.substring(dot + 1));
      if (dot > 0 && kind >= 0) {
        long[] c = counts.computeIfAbsent(key.substring(0, dot), k -> new long[6]);
        c[kind] = r.getLong(1);
        c[5] |= kind == 0 ? 1 : 0; // read is recorded: a source, not a table derived from them
      }
    }
    return counts;
  }

  /**
   * One source's line: read, written, flagged, quarantined, duplicates ({@code c[0..4]}); a table
   * built from other sources ({@code c[5] == 0}: it read nothing itself) shows no read count.
   */
  static String sourceLine(String source, long[] c) {
    boolean derived = c[5] == 0;
    return String.format(
        "  %-22s %12s %,12d %,10d %,12d %,11d%s%n",
        source,
        derived ? "-" : String.format("%,d", c[0]),
        c[1],
        c[2],
        c[3],
        c[4],
        derived
            ? "  (derived from other sources)"
            : c[0] == c[1] + c[3] + c[4] ? "" : "  (does not add up)");
  }

  static String render(SparkSession spark, Lake lake, String serving, String runId) {
    Map<TableId, Long> rows = tableRows(spark, lake);
    Map<String, long[]> layers = new LinkedHashMap<>();
    rows.forEach(
        (t, n) -> {
          long[] acc = layers.computeIfAbsent(t.layer(), k -> new long[2]);
          acc[0]++;
          acc[1] += n;
        });
    StringBuilder out = new StringBuilder("\nLakehouse summary\n");
    layers.forEach(
        (layer, acc) ->
            out.append(String.format("  %-11s %3d tables %,12d rows%n", layer, acc[0], acc[1])));
    out.append("\nTables\n");
    rows.forEach((t, n) -> out.append(String.format("  %-34s %,12d%n", t, n)));

    Map<String, long[]> sources = sourceCounts(spark, lake, runId);
    out.append("\nRows by source in this run (read = written + quarantined + duplicates)\n");
    if (sources.isEmpty()) {
      out.append("  (silver was up to date: no new rows)\n");
    } else {
      out.append(
          String.format(
              "  %-22s %12s %12s %10s %12s %11s%n",
              "source", "read", "written", "flagged", "quarantined", "duplicates"));
      sources.forEach((source, c) -> out.append(sourceLine(source, c)));
    }
    List<QualityCheck> checks = QualityReport.checks(spark, lake, Optional.of(runId));
    List<QualityCheck> failing = checks.stream().filter(c -> c.rowsFailed() > 0).toList();
    out.append("\nRows failing a rule in this run\n");
    if (failing.isEmpty()) {
      out.append("  (none)\n");
    }
    for (QualityCheck c : failing) {
      out.append(
          String.format(
              "  %-22s %-30s %,9d %s%n", c.table(), c.rule(), c.rowsFailed(), c.action()));
    }
    out.append("\nLake:    ").append(lake.root()).append('\n');
    out.append("Serving: ").append(serving).append('\n');
    out.append("Query:   bin/pipeline sql --lake ")
        .append(lake.root())
        .append(" \"SELECT * FROM gold.customer_summary ORDER BY total_spend DESC LIMIT 10\"\n");
    out.append(QualityReport.verdict(checks))
        .append(" (bin/pipeline quality --run-id ")
        .append(runId)
        .append(")\n");
    return out.toString();
  }
}
