package com.retail.lakehouse.common.publish;

import com.retail.lakehouse.common.lake.Lake;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * A publish of what changed in a lake table since the version the database serves, in place of the
 * whole table: a day of history changes a day's rows, and serving it costs that, not the history.
 *
 * <ol>
 *   <li>The rows the lake now has for the keys changed since the served version ({@link
 *       ServedChanges}) are COPied into {@code <table>__staging}, in parallel as a whole publish
 *       does, and the keys into {@code <table>__keys} (taken from the staged rows when every key
 *       changed has one: no key deleted); the staged rows' count and checksum must equal the
 *       lake's.
 *   <li>In one transaction the served rows of those keys are deleted and the staged rows inserted;
 *       {@code ops.publish_log} gets its row. Readers see the old rows until the commit
 *       (PostgreSQL's MVCC), so the table is never served half-changed, and a publish killed before
 *       the commit leaves it as it was. The table keeps its OID, indexes, comment and grants.
 * </ol>
 *
 * <p>The checksum logged is the served one's, less the deleted rows' (PostgreSQL's, over the rows
 * it deletes), plus the staged rows': the checksum is a sum of row hashes. Before the commit the
 * table must hold as many rows as the lake's version; if not (a served table changed by hand), the
 * transaction is rolled back and the table is published whole.
 *
 * <p>Used only when the database serves an earlier version of the same lake table (the publish
 * log's Delta table id, version and OID, see {@link PostgresPublisher}) with its checksum, the
 * change feed covers the versions since, and the changed keys are at most half the served rows
 * (beyond that, copying the whole table and swapping it in is the cheaper way): first estimated
 * from the {@code MERGE} commits' metrics, which rules out a table whose merges rewrote most of it
 * without reading any data, then counted.
 */
final class ChangePublish {
  private static final Logger LOG = LogManager.getLogger(ChangePublish.class);
  private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

  private final PostgresPublisher publisher;
  private final Connection c;
  private final String table;
  private final List<String> key;

  ChangePublish(PostgresPublisher publisher, Connection c, String table, List<String> key) {
    this.publisher = publisher;
    this.c = c;
    this.table = table;
    this.key = key;
  }

  /** The publish of the changes, or empty when the table is to be published whole. */
  Optional<PostgresPublisher.Outcome> apply(
      Dataset<Row> data,
      PostgresPublisher.Served served,
      Lake.Identity source,
      ServedChanges.Feed feed,
      String runId,
      long started)
      throws SQLException {
    if (!served.tableId().equals(source.tableId())
        || served.version() >= source.version()
        || served.checksum() == null
        || served.rows() < publisher.changesMinRows()) { // small: copying it whole costs less
      return Optional.empty();
    }
    Optional<ServedChanges> changes = feed.since(served.version());
    if (changes.isEmpty()) {
      return Optional.empty();
    }
    if (!few(changes.get().merged(), served)) { // from the commits' metrics: no data read
      return Optional.empty();
    }
    Dataset<Row> keys = changes.get().keys();
    try {
      long changed;
      try { // a feed switched off or vacuumed fails here (persist plans the query), not before
        keys.persist(StorageLevel.MEMORY_AND_DISK());
        changed = keys.count();
      } catch (Exception e) {
        LOG.info(
            "{}: the change feed cannot be read ({}): publishing it whole", table, e.getMessage());
        return Optional.empty();
      }
      if (!few(changed, served)) {
        return Optional.empty();
      }
      // in the table's column order, which the row hashes follow (a join puts its keys first)
      Dataset<Row> rows = changes.get().rows().select(inOrderOf(data));
      return applyChanges(rows, keys, changed, data.count(), served, source, runId, started);
    } finally {
      keys.unpersist();
    }
  }

  /** Whether {@code changed} keys are few enough to apply: at most half the served rows. */
  private boolean few(long changed, PostgresPublisher.Served served) {
    if (changed * 2 <= served.rows()) {
      return true;
    }
    LOG.info(
        "{}: {} keys changed of {} rows served: publishing it whole",
        table,
        changed,
        served.rows());
    return false;
  }

  private Optional<PostgresPublisher.Outcome> applyChanges(
      Dataset<Row> rows,
      Dataset<Row> keys,
      long changed,
      long lakeRows,
      PostgresPublisher.Served served,
      Lake.Identity source,
      String runId,
      long started)
      throws SQLException {
    String target = publisher.qualified(table);
    String staging = publisher.qualified(table + "__staging");
    String keysTable = publisher.qualified(table + "__keys");
    String keyList =
        key.stream().map(CopyEncoder::quoteIdentifier).collect(Collectors.joining(", "));
    try (Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + staging); // left by a publish that was killed
      st.execute("DROP TABLE IF EXISTS " + keysTable);
      st.execute(
          "CREATE TABLE " + staging + " (LIKE " + target + " INCLUDING ALL EXCLUDING INDEXES)");
      st.execute(
          "CREATE TABLE " + keysTable + " AS SELECT " + keyList + " FROM " + target + " LIMIT 0");
    }
    try {
      long copyStarted = System.currentTimeMillis();
      Tuple2<Long, String> sent = publisher.copy(rows, staging);
      if (sent._1() == changed) { // every key changed has a row now: they are the staged rows' keys
        try (Statement st = c.createStatement()) {
          st.execute("INSERT INTO " + keysTable + " SELECT " + keyList + " FROM " + staging);
        }
      } else { // and the keys deleted
        publisher.copy(keys, keysTable);
      }
      long applyStarted = System.currentTimeMillis();
      c.setAutoCommit(false);
      Tuple2<Long, String> staged = publisher.countAndChecksum(c, rows, staging);
      if (!staged.equals(sent) || count(c, keysTable) != changed) {
        throw PostgresPublisher.mismatch("changed rows", staged, sent);
      }
      String match =
          key.stream()
              .map(CopyEncoder::quoteIdentifier)
              .map(k -> "t." + k + " = k." + k)
              .collect(Collectors.joining(" AND "));
      Tuple2<Long, BigInteger> gone;
      long deleted;
      long inserted;
      try (Statement st = c.createStatement()) {
        st.execute("ANALYZE " + keysTable);
        gone =
            checksum(
                st,
                new RowChecksum(rows.schema())
                    .sql(
                        "(SELECT t.* FROM "
                            + target
                            + " t WHERE EXISTS (SELECT 1 FROM "
                            + keysTable
                            + " k WHERE "
                            + match
                            + ")) AS gone"));
        deleted =
            st.executeUpdate(
                "DELETE FROM " + target + " t USING " + keysTable + " k WHERE " + match);
        String columns = columns(rows);
        inserted =
            st.executeUpdate(
                "INSERT INTO "
                    + target
                    + " ("
                    + columns
                    + ") SELECT "
                    + columns
                    + " FROM "
                    + staging);
      }
      long servedRows = served.rows() - deleted + inserted;
      long inTable = count(c, target);
      if (deleted != gone._1() || servedRows != inTable || servedRows != lakeRows) {
        LOG.warn(
            "{}: after the changes {} rows would be served ({} in the table), the lake has {}:"
                + " publishing it whole",
            table,
            servedRows,
            inTable,
            lakeRows);
        PostgresPublisher.abandon(c, staging);
        drop(keysTable);
        return Optional.empty();
      }
      BigInteger checksum =
          served.checksum().subtract(gone._2()).add(new BigInteger(staged._2())).mod(TWO_TO_64);
      long swapStarted = System.currentTimeMillis();
      publisher.log(
          c,
          table,
          source,
          new Tuple2<>(servedRows, checksum.toString()),
          System.currentTimeMillis() - started,
          runId);
      try (Statement st = c.createStatement()) { // in the transaction: nothing left after it
        st.execute("DROP TABLE " + staging);
        st.execute("DROP TABLE " + keysTable);
      }
      c.commit();
      c.setAutoCommit(true);
      LOG.info(
          "{}: {} keys changed since version {}: {} rows COPied in {} ms, {} deleted and {}"
              + " inserted in {} ms, committed in {} ms; {} rows served",
          table,
          changed,
          served.version(),
          inserted,
          applyStarted - copyStarted,
          deleted,
          inserted,
          swapStarted - applyStarted,
          System.currentTimeMillis() - swapStarted,
          servedRows);
      return Optional.of(new PostgresPublisher.Outcome(servedRows, false, inserted));
    } catch (Exception e) { // also Spark's SparkException, checked but thrown from Scala
      PostgresPublisher.abandon(c, staging);
      drop(keysTable);
      throw e;
    }
  }

  private static Column[] inOrderOf(Dataset<Row> data) {
    return Arrays.stream(data.columns()).map(functions::col).toArray(Column[]::new);
  }

  private static String columns(Dataset<Row> rows) {
    return Arrays.stream(rows.columns())
        .map(CopyEncoder::quoteIdentifier)
        .collect(Collectors.joining(", "));
  }

  private static Tuple2<Long, BigInteger> checksum(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return new Tuple2<>(rs.getLong(1), rs.getBigDecimal(2).toBigInteger());
    }
  }

  private static long count(Connection c, String table) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void drop(String staged) {
    try (Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + staged);
    } catch (SQLException ignored) {
      // the next publish drops it
    }
  }
}
