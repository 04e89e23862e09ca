package com.retail.lakehouse.common.publish;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Publishes a table into PostgreSQL atomically: the rows are COPied into a staging table, the count
 * is checked, and the staging table replaces the served one in the same transaction, so a reader
 * sees the previous complete table or the new one. {@code ops.publish_log} records each publish; a
 * table whose Delta version is already published is left alone.
 */
public final class PostgresPublisher {
  private final Postgres db;
  private final String schema;

  public PostgresPublisher(Postgres db, String schema) {
    this.db = db;
    this.schema = schema;
  }

  /** What a publish did: rows now served, and whether the table was already up to date. */
  public record Outcome(long rows, boolean upToDate) {}

  public Outcome publish(
      Dataset<Row> data, String table, List<String> primaryKey, long deltaVersion, String runId) {
    long started = System.currentTimeMillis();
    try (Connection c = db.connect()) {
      ensureOpsSchema(c);
      Long published = publishedVersion(c, table);
      if (published != null && published == deltaVersion && tableExists(c, table)) {
        return new Outcome(servedRows(c, table), true);
      }
      c.setAutoCommit(false);
      String target = qualified(table);
      String staging = qualified(table + "__staging");
      try (Statement st = c.createStatement()) {
        st.execute("DROP TABLE IF EXISTS " + staging);
        st.execute(
            "CREATE TABLE " + staging + " (" + CopyEncoder.columnDefinitions(data.schema()) + ")");
      }
      long copied = copy(c, staging, data.toLocalIterator());
      try (Statement st = c.createStatement()) {
        long staged = count(st, staging);
        if (staged != copied) {
          throw new IllegalStateException(
              table + ": staged " + staged + " rows but sent " + copied + "; publish abandoned");
        }
        if (!primaryKey.isEmpty()) {
          st.execute(
              "ALTER TABLE "
                  + staging
                  + " ADD PRIMARY KEY ("
                  + String.join(
                      ", ", primaryKey.stream().map(CopyEncoder::quoteIdentifier).toList())
                  + ")");
        }
        st.execute("DROP TABLE IF EXISTS " + target);
        st.execute("ALTER TABLE " + staging + " RENAME TO " + CopyEncoder.quoteIdentifier(table));
        if (!primaryKey.isEmpty()) {
          st.execute(
              "ALTER INDEX "
                  + qualified(table + "__staging_pkey")
                  + " RENAME TO "
                  + CopyEncoder.quoteIdentifier(table + "_pkey"));
        }
      }
      try (PreparedStatement log =
          c.prepareStatement(
              "INSERT INTO ops.publish_log (table_schema, table_name, delta_version, row_count,"
                  + " duration_ms, run_id) VALUES (?, ?, ?, ?, ?, ?)")) {
        log.setString(1, schema);
        log.setString(2, table);
        log.setLong(3, deltaVersion);
        log.setLong(4, copied);
        log.setLong(5, System.currentTimeMillis() - started);
        log.setString(6, runId);
        log.executeUpdate();
      }
      c.commit();
      return new Outcome(copied, false);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "publishing " + schema + "." + table + " failed: " + e.getMessage(), e);
    }
  }

  private long copy(Connection c, String staging, Iterator<Row> rows) throws SQLException {
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    try {
      return copy.copyIn("COPY " + staging + " FROM STDIN (FORMAT csv)", new RowReader(rows));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void ensureOpsSchema(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS " + CopyEncoder.quoteIdentifier(schema));
      st.execute("CREATE SCHEMA IF NOT EXISTS ops");
      st.execute(
          "CREATE TABLE IF NOT EXISTS ops.publish_log ("
              + "table_schema text NOT NULL, table_name text NOT NULL, delta_version bigint NOT NULL,"
              + " row_count bigint NOT NULL, duration_ms bigint NOT NULL, run_id text,"
              + " published_at timestamptz NOT NULL DEFAULT now())");
    }
  }

  private Long publishedVersion(Connection c, String table) throws SQLException {
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT delta_version FROM ops.publish_log WHERE table_schema = ? AND table_name = ?"
                + " ORDER BY published_at DESC, delta_version DESC LIMIT 1")) {
      q.setString(1, schema);
      q.setString(2, table);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  private boolean tableExists(Connection c, String table) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      q.setString(1, qualified(table));
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private long servedRows(Connection c, String table) throws SQLException {
    try (Statement st = c.createStatement()) {
      return count(st, qualified(table));
    }
  }

  private static long count(Statement st, String table) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private String qualified(String table) {
    return CopyEncoder.quoteIdentifier(schema) + "." + CopyEncoder.quoteIdentifier(table);
  }

  /** Streams rows as COPY CSV text, one row at a time. */
  private static final class RowReader extends Reader {
    private final Iterator<Row> rows;
    private String current = "";
    private int position;

    RowReader(Iterator<Row> rows) {
      this.rows = rows;
    }

    @Override
    public int read(char[] buffer, int offset, int length) {
      while (position == current.length()) {
        if (!rows.hasNext()) {
          return -1;
        }
        current = CopyEncoder.csvLine(rows.next());
        position = 0;
      }
      int n = Math.min(length, current.length() - position);
      current.getChars(position, position + n, buffer, offset);
      position += n;
      return n;
    }

    @Override
    public void close() {}
  }
}
