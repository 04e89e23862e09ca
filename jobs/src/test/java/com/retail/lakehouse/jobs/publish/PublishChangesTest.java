package com.retail.lakehouse.jobs.publish;

import static com.retail.lakehouse.jobs.support.Frames.expect;
import static com.retail.lakehouse.jobs.support.Frames.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.publish.PostgresPublisher;
import com.retail.lakehouse.common.publish.ServedChanges;
import com.retail.lakehouse.jobs.support.Frames;
import com.retail.lakehouse.jobs.support.TestDatabase;
import com.retail.lakehouse.jobs.support.TestSpark;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A publish of a later version of a served lake table applies only the changed keys' rows, in place
 * (the served table keeps its OID); it ends exactly where a whole publish of that version ends, and
 * falls back to a whole publish when the served table was changed by hand, when most keys changed,
 * and when the table keeps no change data feed.
 */
class PublishChangesTest {
  private static final String SCHEMA = "publish_changes_test";
  private static final String DDL =
      "id BIGINT NOT NULL, name STRING, amount DECIMAL(12,2), tags ARRAY<STRING>";
  private static final List<String> KEY = List.of("id");

  private final SparkSession spark = TestSpark.get();
  private final PostgresPublisher publisher = new PostgresPublisher(TestDatabase.get(), SCHEMA);

  /** Twenty rows: four awkward ones and sixteen plain ones. */
  private static Dataset<Row> first() {
    List<Object[]> rows = new ArrayList<>();
    rows.add(row(1L, "quote \" and, comma\nnew line", new BigDecimal("12.30"), List.of("a", "b")));
    rows.add(row(2L, "", new BigDecimal("0.00"), List.of()));
    rows.add(row(3L, null, new BigDecimal("-3.87"), Arrays.asList("x\"y", null)));
    rows.add(row(4L, "four", null, null));
    for (long id = 10; id < 26; id++) {
      rows.add(row(id, "plain " + id, new BigDecimal(id + ".05"), List.of("p")));
    }
    // the key not first: a row's hash follows the table's column order, which a join changes
    return Frames.of(DDL, rows.toArray(Object[][]::new)).select("name", "amount", "id", "tags");
  }

  private PostgresPublisher.Outcome publish(Lake lake, TableId t, String as, boolean changes) {
    return publish(publisher, lake, t, as, changes);
  }

  private PostgresPublisher.Outcome publish(
      PostgresPublisher by, Lake lake, TableId t, String as, boolean changes) {
    Lake.Identity source = lake.identity(spark, t);
    Dataset<Row> rows = lake.readAt(spark, t, source.snapshot());
    return by.publish(
        rows,
        as,
        KEY,
        source,
        "run",
        changes
            ? ServedChanges.of(spark, lake, t, source.snapshot(), rows, KEY)
            : ServedChanges.Feed.NONE);
  }

  /** The served rows by plain JDBC, as {@link Frames#values} gives the lake's. */
  private static List<List<Object>> served(String table) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = TestDatabase.get().connect();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT id, name, amount, tags FROM "
                        + SCHEMA
                        + "."
                        + table
                        + " ORDER BY id")) {
      while (rs.next()) {
        Array tags = rs.getArray(4);
        rows.add(
            expect(
                rs.getLong(1),
                rs.getString(2),
                rs.getBigDecimal(3),
                tags == null ? null : Arrays.asList((Object[]) tags.getArray())));
      }
    }
    return rows;
  }

  private static List<Object> one(String sql) throws SQLException {
    try (Connection c = TestDatabase.get().connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      List<Object> r = new ArrayList<>();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        r.add(rs.getObject(i));
      }
      return r;
    }
  }

  private static void execute(String sql) throws SQLException {
    try (Connection c = TestDatabase.get().connect();
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** The row count and checksum the publish log holds for the served version of a table. */
  private static List<Object> logged(String table) throws SQLException {
    return one(
        "SELECT row_count, checksum FROM ops.publish_log WHERE table_schema = '"
            + SCHEMA
            + "' AND table_name = '"
            + table
            + "' ORDER BY published_at DESC LIMIT 1");
  }

  private static Object oid(String table) throws SQLException {
    return one("SELECT '" + SCHEMA + "." + table + "'::regclass::oid").get(0);
  }

  private List<List<Object>> lakeRows(Lake lake, TableId t) {
    return Frames.values(lake.read(spark, t).select("id", "name", "amount", "tags").orderBy("id"));
  }

  @Test
  void aLaterVersionIsServedByItsChangedKeysAndEndsAsAWholePublish(@TempDir Path dir)
      throws Exception {
    Lake lake = new Lake(dir.toString());
    TableId t = TableId.of("gold.items");
    lake.replace(t, first(), "v0");
    assertEquals(new PostgresPublisher.Outcome(20, false, 20), publish(lake, t, "items", true));
    Object before = oid("items");

    // id 2 renamed, id 3's tags changed, id 4 gone, id 30 new; the sixteen others as they were
    Dataset<Row> second =
        first()
            .where("id NOT IN (2, 3, 4)")
            .unionByName(
                Frames.of(
                    DDL,
                    row(2L, "two", new BigDecimal("0.00"), List.of()),
                    row(3L, null, new BigDecimal("-3.87"), List.of("z")),
                    row(30L, "thirty, new", new BigDecimal("30.00"), null)));
    assertEquals(4, lake.mergeWhole(t, second, KEY, "v1"));

    PostgresPublisher.Outcome changed = publish(lake, t, "items", true);
    assertEquals(new PostgresPublisher.Outcome(20, false, 3), changed, "3 rows COPied, 20 served");
    assertEquals(before, oid("items"), "changed in place, not swapped");
    assertEquals(lakeRows(lake, t), served("items"));
    assertEquals(20, served("items").size());

    // the same version published whole elsewhere: the same count and checksum in the log
    assertEquals(new PostgresPublisher.Outcome(20, false, 20), publish(lake, t, "whole", false));
    assertEquals(logged("whole"), logged("items"));
    assertEquals(20L, logged("items").get(0));
    // nothing staged is left behind
    assertEquals(
        List.of(0L),
        one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = '"
                + SCHEMA
                + "' AND table_name LIKE 'items\\_\\_%'"));
    // the same version again: up to date
    assertEquals(new PostgresPublisher.Outcome(20, true, 0), publish(lake, t, "items", true));

    // a version that deletes nothing: id 10 renamed, id 31 new
    lake.mergeWhole(
        t,
        second
            .where("id <> 10")
            .unionByName(
                Frames.of(
                    DDL,
                    row(10L, "ten", new BigDecimal("10.05"), List.of("p")),
                    row(31L, "thirty-one", null, List.of()))),
        KEY,
        "v2");
    assertEquals(new PostgresPublisher.Outcome(21, false, 2), publish(lake, t, "items", true));
    assertEquals(before, oid("items"));
    assertEquals(lakeRows(lake, t), served("items"));
    assertEquals(new PostgresPublisher.Outcome(21, false, 21), publish(lake, t, "whole", false));
    assertEquals(logged("whole"), logged("items"));
  }

  @Test
  void aServedTableChangedByHandIsPublishedWhole(@TempDir Path dir) throws Exception {
    Lake lake = new Lake(dir.toString());
    TableId t = TableId.of("gold.by_hand");
    lake.replace(t, first(), "v0");
    publish(lake, t, "by_hand", true);
    execute("DELETE FROM " + SCHEMA + ".by_hand WHERE id = 12");
    lake.mergeWhole(
        t,
        first().where("id <> 25").unionByName(Frames.of(DDL, row(40L, "forty", null, null))),
        KEY,
        "v1");

    assertEquals(new PostgresPublisher.Outcome(20, false, 20), publish(lake, t, "by_hand", true));
    assertEquals(lakeRows(lake, t), served("by_hand"));
  }

  @Test
  void mostKeysChangedIsPublishedWhole(@TempDir Path dir) throws Exception {
    Lake lake = new Lake(dir.toString());
    TableId t = TableId.of("gold.most");
    lake.replace(t, first(), "v0");
    publish(lake, t, "most", true);
    Object before = oid("most");
    lake.mergeWhole(t, first().selectExpr("id", "'renamed' AS name", "amount", "tags"), KEY, "v1");

    assertEquals(new PostgresPublisher.Outcome(20, false, 20), publish(lake, t, "most", true));
    assertNotEquals(before, oid("most"), "swapped in whole");
    assertEquals(lakeRows(lake, t), served("most"));
  }

  @Test
  void aTableServingFewerRowsThanTheSettingIsPublishedWhole(@TempDir Path dir) throws Exception {
    Lake lake = new Lake(dir.toString());
    TableId t = TableId.of("gold.small");
    lake.replace(t, first(), "v0");
    PostgresPublisher from21 =
        new PostgresPublisher(TestDatabase.get(), SCHEMA, PostgresPublisher.DEFAULT_PARTITIONS, 21);
    PostgresPublisher from20 =
        new PostgresPublisher(TestDatabase.get(), SCHEMA, PostgresPublisher.DEFAULT_PARTITIONS, 20);
    publish(from21, lake, t, "small", true);
    lake.mergeWhole(t, first().where("id <> 10"), KEY, "v1"); // one key gone: 19 rows

    // 20 rows served, changes from 21 rows on: whole
    assertEquals(
        new PostgresPublisher.Outcome(19, false, 19), publish(from21, lake, t, "small", true));
    lake.mergeWhole(t, first(), KEY, "v2"); // id 10 back
    // 19 rows served, changes from 20 rows on: whole again
    assertEquals(
        new PostgresPublisher.Outcome(20, false, 20), publish(from20, lake, t, "small", true));
    lake.mergeWhole(t, first().where("id <> 11"), KEY, "v3");
    // 20 rows served: by changes (id 11 deleted, nothing COPied)
    assertEquals(
        new PostgresPublisher.Outcome(19, false, 0), publish(from20, lake, t, "small", true));
    assertEquals(lakeRows(lake, t), served("small"));
  }

  @Test
  void aTableWithoutChangeFeedIsPublishedWhole(@TempDir Path dir) throws Exception {
    Lake lake = new Lake(dir.toString());
    TableId t = TableId.of("gold.no_feed");
    lake.replace(t, first(), "v0");
    publish(lake, t, "no_feed", true);
    spark.sql(
        "ALTER TABLE delta.`"
            + lake.path(t)
            + "` SET TBLPROPERTIES (delta.enableChangeDataFeed = false)");
    lake.mergeWhole(t, first().where("id <> 10"), KEY, "v1");

    assertEquals(new PostgresPublisher.Outcome(19, false, 19), publish(lake, t, "no_feed", true));
    assertEquals(lakeRows(lake, t), served("no_feed"));
  }
}
