package com.retail.lakehouse.jobs.local;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.quality.Cleaner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The short report that ends a local run: rows per layer, quarantine, top rules, locations. */
public final class RunSummary {
  private RunSummary() {}

  /** Rows of every table of the lake, by table. */
  public static Map<TableId, Long> tableRows(SparkSession spark, Lake lake) {
    Map<TableId, Long> rows = new LinkedHashMap<>();
    for (TableId t : lake.tables(spark)) {
      rows.put(t, lake.read(spark, t).count());
    }
    return rows;
  }

  /** Quarantined rows per failed rule, most frequent first. */
  public static List<Row> topRules(SparkSession spark, Lake lake, int limit) {
    Dataset<Row> all = null;
    for (TableId t : lake.tables(spark)) {
      if (t.layer().equals(Tables.QUARANTINE)) {
        Dataset<Row> rules =
            lake.read(spark, t)
                .select(lit(t.name()).as("source"), explode(col(Cleaner.FAILED_RULES)).as("rule"));
        all = all == null ? rules : all.union(rules);
      }
    }
    if (all == null) {
      return List.of();
    }
    return all.groupBy("source", "rule")
        .agg(count(lit(1)).as("rows"))
        .orderBy(col("rows").desc(), col("source"), col("rule"))
        .limit(limit)
        .collectAsList();
  }

  public static String render(SparkSession spark, Lake lake, String serving) {
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
    List<Row> rules = topRules(spark, lake, 8);
    out.append("\nTop quarantine rules\n");
    if (rules.isEmpty()) {
      out.append("  (none)\n");
    }
    for (Row r : rules) {
      out.append(
          String.format("  %-22s %-34s %,8d%n", r.getString(0), r.getString(1), r.getLong(2)));
    }
    out.append("\nLake:    ").append(lake.root()).append('\n');
    out.append("Serving: ").append(serving).append('\n');
    out.append("Query:   bin/pipeline sql --lake ")
        .append(lake.root())
        .append(" \"SELECT * FROM gold.customer_summary ORDER BY total_spend DESC LIMIT 10\"\n");
    return out.toString();
  }
}
