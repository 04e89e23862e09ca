package com.retail.lakehouse.jobs.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.publish.Postgres;
import com.retail.lakehouse.common.publish.PostgresPublisher;
import com.retail.lakehouse.common.spark.Sessions;
import com.retail.lakehouse.jobs.support.TestDatabase;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A publisher process killed (SIGKILL, not an exception) while it COPies: the served table is still
 * the previous complete version, and the next publish succeeds, dropping the stale staging table.
 */
class PublishKilledTest {
  private static final String SCHEMA = "publish_killed";
  private static final long ROWS = 200_000;

  @TempDir Path dir;

  @Test
  void aPublisherKilledMidCopyLeavesThePreviousVersionServed() throws Exception {
    Postgres db = TestDatabase.get();
    PostgresPublisher publisher = new PostgresPublisher(db, SCHEMA, 2);
    publisher.publish(
        PublishConcurrencyTest.version(ROWS, 1), "numbers", List.of("id"), 1, "run-1");
    String before = PublishConcurrencyTest.figures(ROWS, 1);
    assertEquals(before, figures(db));

    Process child = startChild(db);
    try {
      // wait until the child's COPY has rows in the staging table, then kill it
      long deadline = System.currentTimeMillis() + 180_000;
      long copied = 0;
      while (copied < 1000 && System.currentTimeMillis() < deadline && child.isAlive()) {
        Thread.sleep(200);
        copied = copiedIntoStaging(db);
        assertEquals(before, figures(db)); // readable and complete meanwhile
      }
      assertTrue(copied >= 1000, "the child never reached its COPY; see " + dir);
    } finally {
      child.destroyForcibly();
      child.waitFor(60, TimeUnit.SECONDS);
    }
    assertEquals(before, figures(db));
    assertEquals(List.of(1L), loggedVersions(db), "nothing of the killed publish was logged");

    // the killed child's sessions end as PostgreSQL sees its sockets close
    long deadline = System.currentTimeMillis() + 30_000;
    while (otherSessions(db) > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
    }
    publisher.publish(
        PublishConcurrencyTest.version(ROWS / 2, 3), "numbers", List.of("id"), 3, "run-3");
    assertEquals(PublishConcurrencyTest.figures(ROWS / 2, 3), figures(db));
    assertEquals(List.of(1L, 3L), loggedVersions(db));
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT to_regclass('" + SCHEMA + ".numbers__staging') IS NULL")) {
      rs.next();
      assertTrue(rs.getBoolean(1), "the stale staging table is gone");
    }
  }

  private Process startChild(Postgres db) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens") || arg.startsWith("-D")) {
        command.add(arg);
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SlowPublisher.class.getName());
    command.add(db.url());
    command.add(db.user());
    command.add(SCHEMA);
    command.add(Long.toString(ROWS));
    File log = dir.resolve("child.log").toFile();
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
  }

  private static String figures(Postgres db) throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT count(*), coalesce(sum(x), 0) FROM " + SCHEMA + ".numbers")) {
      rs.next();
      return rs.getLong(1) + "/" + rs.getLong(2);
    }
  }

  private static long copiedIntoStaging(Postgres db) throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT coalesce(sum(tuples_processed), 0) FROM pg_stat_progress_copy"
                    + " WHERE relid = to_regclass('"
                    + SCHEMA
                    + ".numbers__staging')")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static int otherSessions(Postgres db) throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                    + " OR relation = to_regclass('"
                    + SCHEMA
                    + ".numbers__staging')")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static List<Long> loggedVersions(Postgres db) throws Exception {
    List<Long> versions = new ArrayList<>();
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT delta_version FROM ops.publish_log WHERE table_schema = '"
                    + SCHEMA
                    + "' ORDER BY published_at")) {
      while (rs.next()) {
        versions.add(rs.getLong(1));
      }
    }
    return versions;
  }

  /**
   * The child process: publishes version 2 of the table, whose rows come slowly after the first
   * quarter of each partition, so it is killed in the middle of its COPY.
   */
  public static final class SlowPublisher {
    public static void main(String[] args) {
      long rows = Long.parseLong(args[3]);
      SparkSession.Builder builder =
          SparkSession.builder()
              .master("local[2]")
              .appName("slow-publisher")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "2");
      Sessions.COMMON.forEach(builder::config);
      SparkSession spark = builder.getOrCreate();
      Dataset<Row> slow =
          PublishConcurrencyTest.version(rows, 2)
              .map(
                  (MapFunction<Row, Row>)
                      row -> {
                        if (row.getLong(0) % (rows / 2) > rows / 8) {
                          Thread.sleep(1000);
                        }
                        return row;
                      },
                  Encoders.row(PublishConcurrencyTest.version(1, 2).schema()));
      new PostgresPublisher(new Postgres(args[0], args[1], ""), args[2], 2)
          .publish(slow, "numbers", List.of("id"), 2, "run-killed");
      System.out.println("published, which the test did not expect");
    }
  }
}
