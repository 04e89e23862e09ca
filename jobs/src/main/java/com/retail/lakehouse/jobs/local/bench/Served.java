package com.retail.lakehouse.jobs.local.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;

/**
 * What the pipeline served in PostgreSQL, read back for the comparison: the compared columns of the
 * gold tables, the mining counts, and what the publish of a run wrote (from {@code
 * ops.publish_log}).
 */
final class Served {
  private final Connection db;
  private final String schema;

  Served(Connection db, String schema) {
    this.db = db;
    this.schema = schema;
  }

  /** A table published by a run: rows and the publish's own time for it. */
  record Published(String table, long rows, long durationMs) {}

  /** Writes {@code SELECT columns FROM schema.table ORDER BY key} as CSV (plain values). */
  void export(String table, List<String> columns, Path file) throws SQLException, IOException {
    String sql =
        "SELECT %s FROM %s.%s ORDER BY %s"
            .formatted(String.join(", ", columns), schema, table, columns.get(0));
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery(sql);
        BufferedWriter out = Files.newBufferedWriter(file)) {
      out.write(String.join(",", columns));
      out.newLine();
      while (r.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns.size(); i++) {
          Object v = r.getObject(i);
          row.add(
              v == null ? "" : v instanceof BigDecimal d ? d.toPlainString() : String.valueOf(v));
        }
        out.write(String.join(",", row));
        out.newLine();
      }
    }
  }

  long count(String table) throws SQLException {
    return single("SELECT count(*) FROM %s.%s".formatted(schema, table));
  }

  /** Every frequent itemset as its sorted items joined by '|', with its basket count, sorted. */
  List<String> itemsets() throws SQLException {
    List<String> all = new ArrayList<>();
    try (Statement s = db.createStatement();
        ResultSet r =
            s.executeQuery("SELECT items, freq FROM %s.frequent_itemsets".formatted(schema))) {
      while (r.next()) {
        Array items = r.getArray(1);
        String[] names = (String[]) items.getArray();
        Arrays.sort(names);
        all.add(String.join("|", names) + "," + r.getLong(2));
      }
    }
    all.sort(null);
    return all;
  }

  /** The rows a stage of a run read, from the served run history; -1 when it has no row. */
  long stageRowsRead(String runId, String stage) throws SQLException {
    try (PreparedStatement p =
        db.prepareStatement(
            "SELECT rows_read FROM %s.pipeline_runs WHERE run_id = ? AND stage = ?"
                .formatted(schema))) {
      p.setString(1, runId);
      p.setString(2, stage);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getLong(1) : -1;
      }
    }
  }

  /** The tables the run published into this schema, in the order published. */
  List<Published> published(String runId) throws SQLException {
    Map<String, Published> tables = new LinkedHashMap<>();
    try (PreparedStatement p =
        db.prepareStatement(
            "SELECT table_name, row_count, duration_ms FROM ops.publish_log"
                + " WHERE run_id = ? AND table_schema = ? ORDER BY published_at")) {
      p.setString(1, runId);
      p.setString(2, schema);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          tables.put(r.getString(1), new Published(r.getString(1), r.getLong(2), r.getLong(3)));
        }
      }
    }
    return List.copyOf(tables.values());
  }

  /** Writes the served table as CSV (PostgreSQL's own COPY format), the file psql will load. */
  void copyOut(String table, Path file) throws SQLException, IOException {
    try (Writer out = Files.newBufferedWriter(file)) {
      db.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyOut("COPY %s.%s TO STDOUT (FORMAT csv)".formatted(schema, table), out);
    }
  }

  /**
   * The script psql runs for one table, in one transaction: a table like the served one (columns,
   * constraints, key and indexes), loaded with {@code \copy} from the CSV file.
   */
  String copyScript(String copySchema, String table, Path file) {
    return String.join(
        "\n",
        "\\set ON_ERROR_STOP on",
        "BEGIN;",
        "CREATE SCHEMA IF NOT EXISTS %s;".formatted(copySchema),
        "DROP TABLE IF EXISTS %s.%s;".formatted(copySchema, table),
        "CREATE TABLE %s.%s (LIKE %s.%s INCLUDING ALL);"
            .formatted(copySchema, table, schema, table),
        "\\copy %s.%s FROM '%s' WITH (FORMAT csv)".formatted(copySchema, table, file),
        "COMMIT;",
        "");
  }

  /**
   * The first difference between the served table and psql's copy of it: rows in one and not the
   * other (as multisets), or empty when they hold the same rows.
   */
  java.util.Optional<String> copyDifference(String copySchema, String table) throws SQLException {
    long onlyServed =
        single(
            "SELECT count(*) FROM (SELECT * FROM %s.%s EXCEPT ALL SELECT * FROM %s.%s) d"
                .formatted(schema, table, copySchema, table));
    long onlyCopied =
        single(
            "SELECT count(*) FROM (SELECT * FROM %s.%s EXCEPT ALL SELECT * FROM %s.%s) d"
                .formatted(copySchema, table, schema, table));
    return onlyServed == 0 && onlyCopied == 0
        ? java.util.Optional.empty()
        : java.util.Optional.of(
            "%s: %,d served rows are not in psql's copy, %,d copied rows are not served"
                .formatted(table, onlyServed, onlyCopied));
  }

  void drop(String copySchema) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS %s CASCADE".formatted(copySchema));
    }
  }

  private long single(String sql) throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
