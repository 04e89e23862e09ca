package com.retail.lakehouse.jobs.publish;

import static com.retail.lakehouse.jobs.support.Frames.expect;
import static com.retail.lakehouse.jobs.support.Frames.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.retail.lakehouse.common.publish.Postgres;
import com.retail.lakehouse.common.publish.PostgresPublisher;
import com.retail.lakehouse.jobs.support.Frames;
import com.retail.lakehouse.jobs.support.TestDatabase;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class PostgresPublisherTest {
  private static final String SCHEMA = "publisher_test";
  private static final String DDL =
      "id BIGINT NOT NULL, name STRING, amount DECIMAL(12,2), day DATE, at TIMESTAMP,"
          + " tags ARRAY<STRING>, score DOUBLE, flag BOOLEAN, n INT";

  private static Dataset<Row> first() {
    return Frames.of(
        DDL,
        row(
            1L,
            "plain",
            new BigDecimal("12.30"),
            java.sql.Date.valueOf("2017-01-02"),
            ts("2017-01-28T19:06:53Z"),
            List.of("a", "b"),
            1.5,
            true,
            7),
        row(2L, "", new BigDecimal("0.00"), null, null, List.of(), null, false, null),
        row(
            3L,
            null,
            new BigDecimal("-3.87"),
            java.sql.Date.valueOf("2017-12-31"),
            ts("2017-01-01T00:00:00.123456Z"),
            Arrays.asList("x\"y", "back\\slash", "com,ma", null),
            2.25,
            null,
            -1),
        row(4L, "quote \" and, comma\nnew line", null, null, null, null, -0.5, true, 0));
  }

  private static Timestamp ts(String iso) {
    return Timestamp.from(Instant.parse(iso));
  }

  /** The served table, read back by plain JDBC into Java values of the input's kinds. */
  private static List<List<Object>> served(String table) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = TestDatabase.get().connect();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT id, name, amount, day, at, tags, score, flag, n FROM "
                        + SCHEMA
                        + "."
                        + table
                        + " ORDER BY id")) {
      while (rs.next()) {
        OffsetDateTime at = rs.getObject(5, OffsetDateTime.class);
        LocalDate day = rs.getObject(4, LocalDate.class);
        Array tags = rs.getArray(6);
        rows.add(
            expect(
                rs.getLong(1),
                rs.getString(2),
                rs.getBigDecimal(3),
                day == null ? null : java.sql.Date.valueOf(day),
                at == null ? null : Timestamp.from(at.toInstant()),
                tags == null ? null : Arrays.asList((Object[]) tags.getArray()),
                rs.getObject(7),
                rs.getObject(8),
                rs.getObject(9)));
      }
    }
    return rows;
  }

  private static List<List<Object>> query(String sql, String table) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = TestDatabase.get().connect();
        PreparedStatement q = c.prepareStatement(sql)) {
      q.setString(1, SCHEMA);
      q.setString(2, table);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          List<Object> r = new ArrayList<>();
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            r.add(rs.getObject(i));
          }
          rows.add(r);
        }
      }
    }
    return rows;
  }

  @Test
  void publishesExactlyOncePerVersionAndReplacesAtomically() throws Exception {
    Postgres db = TestDatabase.get();
    PostgresPublisher publisher = new PostgresPublisher(db, SCHEMA);

    PostgresPublisher.Outcome one = publisher.publish(first(), "items", List.of("id"), 1, "run-1");
    assertEquals(new PostgresPublisher.Outcome(4, false), one);
    List<List<Object>> expected = new ArrayList<>(Frames.values(first().orderBy("id")));
    assertEquals(expected, served("items"));
    assertEquals(
        List.of(
            expect(
                "items_pkey",
                "CREATE UNIQUE INDEX items_pkey ON publisher_test.items USING" + " btree (id)")),
        query(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = ? AND tablename = ?",
            "items"));

    // the same Delta version again: nothing to do
    assertEquals(
        new PostgresPublisher.Outcome(4, true),
        publisher.publish(first(), "items", List.of("id"), 1, "run-2"));

    // a new version replaces the table
    Dataset<Row> second =
        Frames.of(DDL, row(9L, "new", new BigDecimal("1.00"), null, null, null, null, null, null));
    assertEquals(
        new PostgresPublisher.Outcome(1, false),
        publisher.publish(second, "items", List.of("id"), 2, "run-3"));
    assertEquals(
        List.of(expect(9L, "new", new BigDecimal("1.00"), null, null, null, null, null, null)),
        served("items"));

    // a version whose keys clash fails and leaves the served table and the log as they were
    Dataset<Row> clash =
        Frames.of(
            DDL,
            row(5L, "a", null, null, null, null, null, null, null),
            row(5L, "b", null, null, null, null, null, null, null));
    assertThrows(
        IllegalStateException.class,
        () -> publisher.publish(clash, "items", List.of("id"), 3, "run-4"));
    assertEquals(
        List.of(expect(9L, "new", new BigDecimal("1.00"), null, null, null, null, null, null)),
        served("items"));

    assertEquals(
        List.of(expect(1L, 4L, "run-1"), expect(2L, 1L, "run-3")),
        query(
            "SELECT delta_version, row_count, run_id FROM ops.publish_log"
                + " WHERE table_schema = ? AND table_name = ? ORDER BY published_at",
            "items"));
    // no staging table is left behind
    assertEquals(
        List.of(expect("items")),
        query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ?"
                + " AND table_name LIKE ? || '%'",
            "items"));
  }

  @Test
  void aTableWithoutKeyIsPublishedWithoutOne() throws Exception {
    PostgresPublisher publisher = new PostgresPublisher(TestDatabase.get(), SCHEMA);
    assertEquals(
        new PostgresPublisher.Outcome(4, false),
        publisher.publish(first(), "no_key", List.of(), 7, "run-k"));
    assertEquals(Frames.values(first().orderBy("id")), served("no_key"));
    assertEquals(
        List.of(),
        query("SELECT indexname FROM pg_indexes WHERE schemaname = ? AND tablename = ?", "no_key"));
  }
}
