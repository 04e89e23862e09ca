package com.retail.lakehouse.common.publish;

import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import scala.Tuple2;

/**
 * Publishes a table into PostgreSQL atomically.
 *
 * <ol>
 *   <li>{@code <table>__staging} is created {@code LIKE} the served table {@code INCLUDING ALL
 *       EXCLUDING INDEXES} (columns, defaults, NOT NULL and CHECK constraints, column comments) and
 *       committed.
 *   <li>Each Spark partition COPies its rows into it over a connection of its own, in parallel, and
 *       returns its row count and checksum ({@link RowChecksum}) taken from the rows read.
 *   <li>The served table's indexes, primary key and unique constraints are built on the staging
 *       table (faster after the load than during it). PostgreSQL's count and checksum of the staged
 *       rows must equal the lake's; otherwise the publish is abandoned and the served table is
 *       untouched.
 *   <li>In one transaction the served table is locked, dropped, and the staging table renamed in
 *       its place; its indexes get the served ones' names back, and the table comment and grants of
 *       the served table are re-applied; {@code ops.publish_log} gets its row. Commit.
 * </ol>
 *
 * <p>Why a rename and not {@code TRUNCATE} plus {@code INSERT ... SELECT}: both are atomic to
 * readers (a reader that queries during the swap waits for the lock and then reads the new table:
 * PostgreSQL looks a table's name up again when the relation it waited on was dropped or renamed,
 * and {@code PublishConcurrentReaderTest} checks it), but the rename moves no rows, so the swap
 * takes milliseconds whatever the table's size and the lock is held that long; an INSERT would
 * write every row a second time under the exclusive lock. Nothing is lost by the rename because
 * everything that belongs to the served table is carried over: LIKE copies keys, indexes and column
 * comments, and the swap re-applies the table comment and the grants. (A view over a served table
 * would block the drop; the serving schema has none, and the analysts cannot create any.)
 *
 * <p>A publish killed at any point leaves the served table as it was: the swap is one transaction,
 * and a staging table left behind is dropped by the next publish.
 *
 * <p>A table already served is left alone only when the database says it serves exactly this
 * version of this table: the last {@code ops.publish_log} row of the table names the same Delta
 * table id (a UUID Delta gives a table when it is created) and version, and the served table is
 * still the one that publish created (its PostgreSQL OID, recorded in the same row). Version
 * numbers alone would match another lake publishing into the same database, or a lake re-created
 * from scratch; a database restored from a dump has new OIDs. All three are republished.
 */
public final class PostgresPublisher {
  /** Parallel COPY streams when none is given. */
  public static final int DEFAULT_PARTITIONS = 4;

  private static final Logger LOG = LogManager.getLogger(PostgresPublisher.class);

  private final Postgres db;
  private final String schema;
  private final int partitions;
  private final long changesMinRows;

  public PostgresPublisher(Postgres db, String schema) {
    this(db, schema, DEFAULT_PARTITIONS);
  }

  /** A publisher that applies a table's changes whenever they can be told (see below). */
  public PostgresPublisher(Postgres db, String schema, int partitions) {
    this(db, schema, partitions, 0);
  }

  /**
   * A publisher that applies the changes of a table only when it serves at least {@code
   * changesMinRows} rows: under that, copying the table whole costs no more than finding and
   * applying its changes.
   */
  public PostgresPublisher(Postgres db, String schema, int partitions, long changesMinRows) {
    if (partitions < 1) {
      throw new IllegalArgumentException("publish partitions must be at least 1");
    }
    if (!TableId.isIdentifier(schema)) {
      throw new IllegalArgumentException("not a lower-case SQL identifier: schema " + schema);
    }
    if (changesMinRows < 0) {
      throw new IllegalArgumentException("the rows for a publish of changes must not be negative");
    }
    this.db = db;
    this.schema = schema;
    this.partitions = partitions;
    this.changesMinRows = changesMinRows;
  }

  /** Served tables of fewer rows are published whole, not by their changes. */
  long changesMinRows() {
    return changesMinRows;
  }

  /**
   * What a publish did: rows now served, whether the table was already up to date, and the rows it
   * COPied (all of them for a whole publish, the changed keys' for one of changes).
   */
  public record Outcome(long rows, boolean upToDate, long copied) {
    /** A whole publish (or none, when up to date). */
    public Outcome(long rows, boolean upToDate) {
      this(rows, upToDate, upToDate ? 0 : rows);
    }
  }

  /** What the database serves as a table, from the publish log row of the publish that made it. */
  record Served(String tableId, long version, long rows, java.math.BigInteger checksum) {
    @Override
    public String toString() {
      return tableId + "@" + version;
    }
  }

  /**
   * Publishes rows that are not a lake table (a benchmark's, a test's) as version {@code version}
   * of {@code table}: skipped when that version is what the table serves.
   */
  public Outcome publish(
      Dataset<Row> data, String table, List<String> primaryKey, long version, String runId) {
    return publish(data, table, primaryKey, new Lake.Identity("no-lake-table", version), runId);
  }

  /**
   * Publishes {@code data}, which is version {@code source} of a lake table, as {@code table}
   * unless the database already serves exactly that version (see the class comment).
   */
  public Outcome publish(
      Dataset<Row> data,
      String table,
      List<String> primaryKey,
      Lake.Identity source,
      String runId) {
    return publish(data, table, primaryKey, source, runId, ServedChanges.Feed.NONE);
  }

  /**
   * The same, applying only what changed since the version served when {@code changes} can tell it
   * ({@link ChangePublish}); otherwise, and whenever a check of that fails, the whole table.
   */
  public Outcome publish(
      Dataset<Row> data,
      String table,
      List<String> primaryKey,
      Lake.Identity source,
      String runId,
      ServedChanges.Feed changes) {
    if (!TableId.isIdentifier(table) || !primaryKey.stream().allMatch(TableId::isIdentifier)) {
      throw new IllegalArgumentException(
          "not lower-case SQL identifiers: table " + table + ", key " + primaryKey);
    }
    long started = System.currentTimeMillis();
    ServingSchema.migrateOnce(db, schema);
    String target = qualified(table);
    String staging = qualified(table + "__staging");
    try (Connection c = db.connect()) {
      Optional<Served> served = servedSource(c, table);
      if (served.isPresent() && served.get().toString().equals(source.toString())) {
        return new Outcome(servedRows(c, table), true);
      }
      served.ifPresent(
          other ->
              LOG.info(
                  "{}.{} serves {}, the lake has {}: publishing", schema, table, other, source));
      lockPublishOf(c, table);
      if (served.isPresent() && !primaryKey.isEmpty()) {
        Optional<Outcome> applied =
            new ChangePublish(this, c, table, primaryKey)
                .apply(data, served.get(), source, changes, runId, started);
        if (applied.isPresent()) {
          return applied.get();
        }
      }
      try {
        try (Statement st = c.createStatement()) {
          if (!tableExists(c, table)) { // a table no migration creates: made from the Delta schema
            st.execute(
                "CREATE TABLE "
                    + target
                    + " ("
                    + CopyEncoder.columnDefinitions(data.schema())
                    + (primaryKey.isEmpty()
                        ? ""
                        : ", PRIMARY KEY ("
                            + String.join(
                                ", ",
                                primaryKey.stream().map(CopyEncoder::quoteIdentifier).toList())
                            + ")")
                    + ")");
          }
          // left by a publish that was killed (__keys by one of changes, see ChangePublish)
          st.execute("DROP TABLE IF EXISTS " + staging);
          st.execute("DROP TABLE IF EXISTS " + qualified(table + "__keys"));
          // everything but the indexes, which are built after the load: faster than maintaining
          // them row by row during the COPY
          st.execute(
              "CREATE TABLE " + staging + " (LIKE " + target + " INCLUDING ALL EXCLUDING INDEXES)");
        }
        long copyStarted = System.currentTimeMillis();
        Tuple2<Long, String> sent = copy(data, staging);
        long verifyStarted = System.currentTimeMillis();
        buildIndexes(c, target, staging);
        c.setAutoCommit(false);
        Tuple2<Long, String> staged = countAndChecksum(c, data, staging);
        if (!staged.equals(sent)) {
          throw mismatch("rows", staged, sent);
        }
        long swapStarted = System.currentTimeMillis();
        swap(c, table);
        log(c, table, source, sent, System.currentTimeMillis() - started, runId);
        c.commit();
        LOG.info(
            "{}.{}: {} rows COPied in {} ms, indexed and verified in {} ms, swapped in {} ms",
            schema,
            table,
            sent._1(),
            verifyStarted - copyStarted,
            swapStarted - verifyStarted,
            System.currentTimeMillis() - swapStarted);
        return new Outcome(sent._1(), false);
      } catch (Exception e) { // also Spark's SparkException, checked but thrown from Scala
        abandon(c, staging);
        throw e;
      }
    } catch (Exception e) {
      if (e instanceof com.retail.lakehouse.common.UserError
          || e instanceof com.retail.lakehouse.common.RunFailure) {
        throw (RuntimeException) e;
      }
      throw new IllegalStateException(
          "publishing " + schema + "." + table + " failed: " + rootMessage(e), e);
    }
  }

  /** The error of staged rows that are not the lake's. */
  static IllegalStateException mismatch(
      String what, Tuple2<Long, String> staged, Tuple2<Long, String> sent) {
    return new IllegalStateException(
        "staged "
            + staged._1()
            + " "
            + what
            + " with checksum "
            + staged._2()
            + " but the lake's are "
            + sent._1()
            + " rows with checksum "
            + sent._2()
            + "; publish abandoned, the served table is unchanged");
  }

  /** COPies every partition in parallel; the lake side's row count and checksum. */
  Tuple2<Long, String> copy(Dataset<Row> data, String staging) {
    List<String> columns = new ArrayList<>();
    for (StructField f : data.schema().fields()) {
      columns.add(CopyEncoder.quoteIdentifier(f.name()));
    }
    String copySql =
        "COPY " + staging + " (" + String.join(", ", columns) + ") FROM STDIN (FORMAT csv)";
    int current = data.rdd().getNumPartitions();
    Dataset<Row> spread =
        current > partitions
            ? data.coalesce(partitions)
            : current < partitions ? data.repartition(partitions) : data;
    List<Tuple2<Long, Long>> parts =
        spread
            .mapPartitions(
                new PartitionCopy(db, copySql, new RowChecksum(data.schema())),
                Encoders.tuple(Encoders.LONG(), Encoders.LONG()))
            .collectAsList();
    long rows = 0;
    long sum = 0;
    for (Tuple2<Long, Long> p : parts) {
      rows += p._1();
      sum += p._2();
    }
    return new Tuple2<>(rows, RowChecksum.format(sum));
  }

  Tuple2<Long, String> countAndChecksum(Connection c, Dataset<Row> data, String staging)
      throws SQLException {
    try (Statement st = c.createStatement()) {
      // statistics for the readers of the table-to-be, and a parallel scan for the checksum
      st.execute("ANALYZE " + staging);
      st.execute("SET LOCAL max_parallel_workers_per_gather = " + partitions);
      st.execute("SET LOCAL parallel_setup_cost = 0");
      st.execute("SET LOCAL parallel_tuple_cost = 0");
    }
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(new RowChecksum(data.schema()).sql(staging))) {
      rs.next();
      return new Tuple2<>(rs.getLong(1), rs.getBigDecimal(2).toBigInteger().toString());
    }
  }

  /**
   * Puts the staging table in place of the served one, inside the caller's transaction: readers
   * wait for the lock, then read the new table; until the commit, the old one is what is served.
   */
  private void swap(Connection c, String table) throws SQLException {
    String target = qualified(table);
    String staging = qualified(table + "__staging");
    try (Statement st = c.createStatement()) {
      st.execute("LOCK TABLE " + target + " IN ACCESS EXCLUSIVE MODE");
      Map<String, String> oldIndexes = indexesByShape(c, target);
      Map<String, String> newIndexes = indexesByShape(c, staging);
      String comment = tableComment(c, target);
      List<String> grants = grants(c, target);
      st.execute("DROP TABLE " + target);
      st.execute("ALTER TABLE " + staging + " RENAME TO " + CopyEncoder.quoteIdentifier(table));
      for (Map.Entry<String, String> index : newIndexes.entrySet()) {
        String oldName = oldIndexes.get(index.getKey());
        if (oldName != null && !oldName.equals(index.getValue())) {
          // renaming a key's index renames its constraint as well
          st.execute(
              "ALTER INDEX "
                  + qualified(index.getValue())
                  + " RENAME TO "
                  + CopyEncoder.quoteIdentifier(oldName));
        }
      }
      if (comment != null) {
        st.execute("COMMENT ON TABLE " + target + " IS " + literal(comment));
      }
      for (String grant : grants) {
        st.execute(grant.replace("%TABLE%", target));
      }
    }
  }

  /**
   * Builds on the staging table the served table's indexes and the constraints they back (primary
   * key, unique, exclusion), under names PostgreSQL chooses; the swap gives the served names back.
   */
  private static void buildIndexes(Connection c, String target, String staging)
      throws SQLException {
    List<String> ddl = new ArrayList<>();
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT pg_get_indexdef(i.indexrelid), i.indisunique,"
                + " (SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k"
                + " WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid"
                + " AND k.contype IN ('p', 'u', 'x'))"
                + " FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid"
                + " WHERE i.indrelid = ?::regclass ORDER BY x.relname")) {
      q.setString(1, target);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          String def = rs.getString(1);
          String constraint = rs.getString(3);
          ddl.add(
              constraint != null
                  ? "ALTER TABLE " + staging + " ADD " + constraint
                  : "CREATE "
                      + (rs.getBoolean(2) ? "UNIQUE " : "")
                      + "INDEX ON "
                      + staging
                      + def.substring(def.indexOf(" USING ")));
        }
      }
    }
    try (Statement st = c.createStatement()) {
      for (String statement : ddl) {
        st.execute(statement);
      }
    }
  }

  /** Index names by their definition less name and table, so the two tables' indexes pair up. */
  private static Map<String, String> indexesByShape(Connection c, String table)
      throws SQLException {
    Map<String, String> byShape = new LinkedHashMap<>();
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT c.relname, i.indisunique, pg_get_indexdef(i.indexrelid) FROM pg_index i"
                + " JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ?::regclass"
                + " ORDER BY c.relname")) {
      q.setString(1, table);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          String def = rs.getString(3);
          String shape = rs.getBoolean(2) + def.substring(def.indexOf(" USING "));
          while (byShape.containsKey(shape)) { // identical indexes: pair them in name order
            shape += "'";
          }
          byShape.put(shape, rs.getString(1));
        }
      }
    }
    return byShape;
  }

  private static String tableComment(Connection c, String table) throws SQLException {
    try (PreparedStatement q =
        c.prepareStatement("SELECT obj_description(?::regclass, 'pg_class')")) {
      q.setString(1, table);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  /** The served table's grants to others than its owner, as GRANT statements on %TABLE%. */
  private static List<String> grants(Connection c, String table) throws SQLException {
    List<String> grants = new ArrayList<>();
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC'"
                + " ELSE quote_ident(r.rolname) END, a.is_grantable"
                + " FROM pg_class t CROSS JOIN LATERAL aclexplode(t.relacl) a"
                + " LEFT JOIN pg_roles r ON r.oid = a.grantee"
                + " WHERE t.oid = ?::regclass AND a.grantee <> t.relowner")) {
      q.setString(1, table);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          grants.add(
              "GRANT "
                  + rs.getString(1)
                  + " ON %TABLE% TO "
                  + rs.getString(2)
                  + (rs.getBoolean(3) ? " WITH GRANT OPTION" : ""));
        }
      }
    }
    return grants;
  }

  /**
   * Only one publish of a table at a time; the lock goes with the session, so a killed publisher's
   * lock is released with its connection.
   */
  private void lockPublishOf(Connection c, String table) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
      q.setString(1, "publish " + schema + "." + table);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          throw new IllegalStateException(
              "another publish of " + schema + "." + table + " is running; try again when it ends");
        }
      }
    }
  }

  static void abandon(Connection c, String staging) {
    try {
      if (!c.getAutoCommit()) {
        c.rollback();
        c.setAutoCommit(true);
      }
      try (Statement st = c.createStatement()) {
        st.execute("DROP TABLE IF EXISTS " + staging);
      }
    } catch (SQLException ignored) {
      // the next publish drops it
    }
  }

  /** The publish log's row, with the OID of the table just swapped in (same transaction). */
  void log(
      Connection c,
      String table,
      Lake.Identity source,
      Tuple2<Long, String> rows,
      long durationMs,
      String runId)
      throws SQLException {
    try (PreparedStatement log =
        c.prepareStatement(
            "INSERT INTO ops.publish_log (table_schema, table_name, delta_table_id, delta_version,"
                + " served_oid, row_count, checksum, duration_ms, run_id)"
                + " VALUES (?, ?, ?, ?, ?::regclass::oid, ?, ?::numeric, ?, ?)")) {
      log.setString(1, schema);
      log.setString(2, table);
      log.setString(3, source.tableId());
      log.setLong(4, source.version());
      log.setString(5, qualified(table));
      log.setLong(6, rows._1());
      log.setString(7, rows._2());
      log.setLong(8, durationMs);
      log.setString(9, runId);
      log.executeUpdate();
    }
  }

  /**
   * What the database serves as {@code table}: the last publish log row of the table, if the served
   * table is still the one that row's publish created; empty when the table is not served, was
   * never published, or was replaced since (restored, re-created by hand).
   */
  private Optional<Served> servedSource(Connection c, String table) throws SQLException {
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT delta_table_id, delta_version, row_count, checksum::text FROM ops.publish_log"
                + " WHERE table_schema = ? AND table_name = ?"
                + " AND served_oid = to_regclass(?)::oid AND delta_table_id IS NOT NULL"
                + " AND published_at = (SELECT max(published_at) FROM ops.publish_log"
                + " WHERE table_schema = ? AND table_name = ?)"
                + " ORDER BY delta_version DESC LIMIT 1")) {
      q.setString(1, schema);
      q.setString(2, table);
      q.setString(3, qualified(table));
      q.setString(4, schema);
      q.setString(5, table);
      try (ResultSet rs = q.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String checksum = rs.getString(4);
        return Optional.of(
            new Served(
                rs.getString(1),
                rs.getLong(2),
                rs.getLong(3),
                checksum == null ? null : new java.math.BigInteger(checksum)));
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
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + qualified(table))) {
      rs.next();
      return rs.getLong(1);
    }
  }

  String qualified(String table) {
    return CopyEncoder.quoteIdentifier(schema) + "." + CopyEncoder.quoteIdentifier(table);
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /** The innermost message: for a failed COPY on an executor, PostgreSQL's own words. */
  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.toString() : root.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
