package com.retail.lakehouse.jobs.local.chaos;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.xxhash64;

import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.publish.Postgres;
import com.retail.lakehouse.common.publish.RowChecksum;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;

/**
 * What the chaos test compares between the disturbed run and the undisturbed one: every lake table
 * and every served table as its row count and an order-independent checksum of its rows, computed
 * here by routes of their own (Spark's xxhash64 over the rows, PostgreSQL's MD5 of each row's
 * text), not by the pipeline's code.
 *
 * <p>Columns that say when and by which run a row was written ({@code _ingested_at}, {@code
 * _batch_id}) differ between any two runs and are left out, as is the host and port of the shop API
 * in a raw page's {@code request} (each run starts its own simulated shop). The run history is left
 * out too, in the lake and served: {@code ops.pipeline_runs} is the audit of the runs themselves
 * and is checked apart; the quality checks, table freshness and recommendation evaluations are logs
 * of what each run did and when, so a run resumed after a kill, which finds part of its work
 * committed, records other rows than one undisturbed run (the data they describe is compared table
 * by table).
 */
final class Fingerprints {
  private static final Set<String> RUN_COLUMNS = Set.of("_ingested_at", "_batch_id");

  /** The run history: a log of each run, compared apart or not at all (see the class comment). */
  static final Set<TableId> RUN_HISTORY =
      Set.of(
          Tables.OPS_PIPELINE_RUNS,
          Tables.OPS_QUALITY_CHECKS,
          Tables.OPS_TABLE_FRESHNESS,
          Tables.OPS_RECOMMENDATION_EVALUATIONS);

  private Fingerprints() {}

  /** Every table of the lake but the run history: "rows, checksum" by table. */
  static Map<String, String> lake(SparkSession spark, Lake lake) {
    Map<String, String> figures = new TreeMap<>();
    for (TableId t : lake.tables(spark)) {
      if (RUN_HISTORY.contains(t)) {
        continue;
      }
      Dataset<Row> rows = comparable(t, lake.read(spark, t));
      Row r = rows.agg(count(lit(1)), sum(xxhash64(columns(rows)).cast("decimal(38,0)"))).first();
      figures.put(t.toString(), r.getLong(0) + " rows, checksum " + r.get(1));
    }
    return figures;
  }

  /** The rows as they must be equal between two runs (see the class comment). */
  static Dataset<Row> comparable(TableId table, Dataset<Row> rows) {
    Dataset<Row> out = rows;
    for (StructField f : rows.schema().fields()) {
      String name = f.name();
      if (RUN_COLUMNS.contains(name)
          || (table.equals(Tables.OPS_WATERMARKS)
              && !List.of("source", "watermark").contains(name))) {
        out = out.drop(name);
      } else if (name.equals("request") && f.dataType().equals(DataTypes.StringType)) {
        out = out.withColumn(name, regexp_replace(col(name), "^https?://[^/]+", ""));
      } else if (f.dataType() instanceof MapType) {
        out = out.withColumn(name, to_json(col(name)));
      }
    }
    return out;
  }

  private static Column[] columns(Dataset<Row> rows) {
    return java.util.Arrays.stream(rows.columns())
        .map(c -> col("`" + c + "`"))
        .toArray(Column[]::new);
  }

  /**
   * Every table of the serving schema but the served run history: "rows, checksum" by table, from
   * PostgreSQL itself.
   */
  static Map<String, String> serving(Postgres db, String schema) throws SQLException {
    if (!TableId.isIdentifier(schema)) {
      throw new IllegalArgumentException("not a schema name: " + schema);
    }
    Map<String, String> figures = new TreeMap<>();
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      for (String table : tables(st, schema)) {
        if (RUN_HISTORY.stream().anyMatch(t -> t.name().equals(table))) {
          continue;
        }
        try (ResultSet rs =
            st.executeQuery(
                "SELECT count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 16))::bit(64)"
                    + "::bigint::numeric), 0) FROM "
                    + schema
                    + "."
                    + table
                    + " t")) {
          rs.next();
          figures.put(schema + "." + table, rs.getLong(1) + " rows, checksum " + rs.getString(2));
        }
      }
    }
    return figures;
  }

  /**
   * The served tables that are not a complete published version: their count and checksum (the
   * publisher's, over the lake table's columns) differ from what the last publish log row of the
   * table recorded. Empty when serving is whole.
   */
  static List<String> partiallyServed(SparkSession spark, Lake lake, Postgres db, String schema)
      throws SQLException {
    List<String> partial = new ArrayList<>();
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      if (!exists(st, "ops.publish_log")) {
        return partial;
      }
      for (String table : tables(st, schema)) {
        TableId lakeTable = new TableId(Tables.GOLD, table);
        String logged;
        try (ResultSet rs =
            st.executeQuery(
                "SELECT row_count || '/' || checksum FROM ops.publish_log WHERE table_schema = '"
                    + schema
                    + "' AND table_name = '"
                    + table
                    + "' ORDER BY published_at DESC LIMIT 1")) {
          if (!rs.next() || !lake.exists(spark, lakeTable)) {
            continue;
          }
          logged = rs.getString(1);
        }
        RowChecksum checksum = new RowChecksum(lake.read(spark, lakeTable).schema());
        try (ResultSet rs = st.executeQuery(checksum.sql(schema + "." + table))) {
          rs.next();
          String served = rs.getLong(1) + "/" + rs.getBigDecimal(2).toBigInteger();
          if (!served.equals(logged)) {
            partial.add(
                schema + "." + table + " serves " + served + ", its publish logged " + logged);
          }
        }
      }
    }
    return partial;
  }

  /**
   * Tables a killed publish left in the serving schema ({@code <table>__staging}, and {@code
   * <table>__keys} from a publish of changes).
   */
  static List<String> stagingLeft(Postgres db, String schema) throws SQLException {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      return tables(st, schema).stream()
          .filter(t -> t.endsWith("__staging") || t.endsWith("__keys"))
          .toList();
    }
  }

  /** Differences between two sets of figures, one line each; empty when they are equal. */
  static List<String> differences(
      String what, Map<String, String> expected, Map<String, String> actual) {
    List<String> lines = new ArrayList<>();
    Set<String> names = new TreeSet<>(expected.keySet());
    names.addAll(actual.keySet());
    for (String name : names) {
      String e = expected.getOrDefault(name, "absent");
      String a = actual.getOrDefault(name, "absent");
      if (!e.equals(a)) {
        lines.add(what + " " + name + ": undisturbed " + e + ", after the kills " + a);
      }
    }
    return lines;
  }

  private static List<String> tables(Statement st, String schema) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (ResultSet rs =
        st.executeQuery(
            "SELECT tablename FROM pg_tables WHERE schemaname = '"
                + schema
                + "' AND tablename <> 'flyway_schema_history' ORDER BY tablename")) {
      while (rs.next()) {
        if (TableId.isIdentifier(rs.getString(1))) { // written into SQL below
          tables.add(rs.getString(1));
        }
      }
    }
    return tables;
  }

  private static boolean exists(Statement st, String table) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }
}
