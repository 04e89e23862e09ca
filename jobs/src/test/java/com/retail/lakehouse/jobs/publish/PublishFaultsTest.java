package com.retail.lakehouse.jobs.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.publish.EmbeddedDatabase;
import com.retail.lakehouse.common.publish.Postgres;
import com.retail.lakehouse.jobs.BronzeIngestJob;
import com.retail.lakehouse.jobs.GoldJob;
import com.retail.lakehouse.jobs.PublishJob;
import com.retail.lakehouse.jobs.RecommendationsJob;
import com.retail.lakehouse.jobs.SilverJob;
import com.retail.lakehouse.jobs.Stages;
import com.retail.lakehouse.jobs.local.Pipeline;
import com.retail.lakehouse.jobs.support.SecuredDatabase;
import com.retail.lakehouse.jobs.support.TestContexts;
import com.retail.lakehouse.jobs.support.TestDatabase;
import com.retail.lakehouse.jobs.support.TestSpark;
import com.retail.lakehouse.jobs.support.TinyLanding;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving database on its worst day: down at publish time, refusing the login, or serving
 * something other than what the lake has (another lake, a re-created one, a restored database).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublishFaultsTest {
  private static final String DATE = "2017-02-01";

  @TempDir static Path dir;
  private final SparkSession spark = TestSpark.get();
  private Path landing;
  private Path lakeDir;

  /** A lake with every gold table of the tiny landing. */
  @BeforeAll
  void gold() throws Exception {
    landing = Files.createDirectories(dir.resolve("landing"));
    TinyLanding.write(landing);
    lakeDir = dir.resolve("lake");
    JobContext ctx = TestContexts.local(lakeDir, landing, DATE);
    for (var job :
        List.of(new BronzeIngestJob(), new SilverJob(), new GoldJob(), new RecommendationsJob())) {
      Stages.execute(job, spark, ctx);
    }
  }

  private record Outcome(int code, String out, String err, long millis) {}

  private Outcome publish(String jdbcUrl, String... settings) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "publish",
                "--lake",
                lakeDir.toString(),
                "--sources",
                landing.toString(),
                "--date",
                DATE,
                "--jdbc-url",
                jdbcUrl));
    for (String s : settings) {
      args.add("--set");
      args.add(s);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    long started = System.currentTimeMillis();
    int code =
        new Pipeline(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(args.toArray(String[]::new));
    return new Outcome(
        code,
        out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8),
        System.currentTimeMillis() - started);
  }

  @Test
  void aDatabaseThatIsDownIsTriedAgainThenFailsClearlyAndTheNextPublishCatchesUp()
      throws Exception {
    Path data = dir.resolve("pg-down");
    EmbeddedDatabase server = EmbeddedDatabase.start(data);
    int port = server.port();
    String url = "jdbc:postgresql://localhost:" + port + "/postgres";
    String[] as = {"postgres.user=postgres", "postgres.schema=down_then_up"};
    assertEquals(0, publish(url, as).code());

    // the lake moves on (gold recomputed), then the database goes away
    Lake lake = new Lake(lakeDir.toString());
    JobContext force = TestContexts.local(lakeDir, landing, DATE);
    Stages.execute(
        new GoldJob(),
        spark,
        new JobContext(
            force.settings(),
            force.logicalDate(),
            "force",
            true,
            lake,
            java.util.Optional.empty()));
    Map<String, Long> versions = goldVersions(lake);
    server.close();

    Outcome down =
        publish(
            url,
            "postgres.user=postgres",
            "postgres.schema=down_then_up",
            "postgres.connect-tries=3",
            "postgres.connect-backoff=300ms");
    assertEquals(1, down.code(), down.err());
    assertEquals(1, down.err().lines().count(), down.err());
    assertTrue(
        down.err()
            .startsWith(
                "error: publish failed: PostgreSQL at "
                    + url
                    + " did not accept a connection in 3 tries over "),
        down.err());
    assertTrue(down.err().contains("the next publish catches up"), down.err());
    assertTrue(down.millis() >= 900, "waited 300 + 600 ms between the tries: " + down.millis());
    assertEquals(versions, goldVersions(lake), "the lake is as it was");
    assertEquals(
        "failed",
        lake.read(spark, Tables.OPS_PIPELINE_RUNS)
            .filter("stage = 'publish'")
            .orderBy(org.apache.spark.sql.functions.col("started_at").desc())
            .select("status")
            .first()
            .getString(0));

    // back while the next publish is still trying: it connects and catches up
    var restarted = new java.util.concurrent.atomic.AtomicReference<EmbeddedDatabase>();
    Thread restart =
        new Thread(
            () -> {
              try {
                Thread.sleep(2000);
              } catch (InterruptedException e) {
                return;
              }
              restarted.set(EmbeddedDatabase.start(data, port));
            });
    restart.start();
    Outcome up =
        publish(
            url,
            "postgres.user=postgres",
            "postgres.schema=down_then_up",
            "postgres.connect-tries=10",
            "postgres.connect-backoff=500ms");
    restart.join();
    assertEquals(0, up.code(), up.err());
    Postgres db = new Postgres(url + "?user=postgres", "postgres", "");
    try (EmbeddedDatabase again = restarted.get()) {
      assertEquals(versions, servedVersions(db, "down_then_up"), "served = the lake's versions");
    }
  }

  @Test
  void aRefusedLoginNamesTheVariableToSetAndExitsWith1() throws Exception {
    try (SecuredDatabase db = new SecuredDatabase(dir.resolve("pg-secured"), "right", "a")) {
      String url = db.url(SecuredDatabase.DATABASE);
      Outcome none =
          publish(
              url,
              "postgres.user=" + SecuredDatabase.PIPELINE,
              "postgres.password-env=LAKEHOUSE_TEST_UNSET_VARIABLE",
              "postgres.connect-backoff=30s");
      assertEquals(1, none.code(), none.err());
      assertEquals(
          "error: publish failed: PostgreSQL at "
              + url
              + " refused the login of lakehouse_pipeline: it asks for a password and"
              + " LAKEHOUSE_TEST_UNSET_VARIABLE is not set; set LAKEHOUSE_TEST_UNSET_VARIABLE to"
              + " the password of lakehouse_pipeline (postgres.user)\n",
          none.err());
      assertTrue(none.millis() < 25_000, "a refused login is not tried again: " + none.millis());

      // HOME holds something, and it is not the password
      Outcome wrong =
          publish(url, "postgres.user=" + SecuredDatabase.PIPELINE, "postgres.password-env=HOME");
      assertEquals(1, wrong.code(), wrong.err());
      assertTrue(
          wrong
              .err()
              .contains(
                  "refused the login of lakehouse_pipeline: the password in HOME is"
                      + " not accepted (FATAL: password authentication failed"),
          wrong.err());
      assertTrue(
          wrong
              .err()
              .strip()
              .endsWith("set HOME to the password of lakehouse_pipeline" + " (postgres.user)"),
          wrong.err());
    }
  }

  @Test
  void anotherLakeARecreatedLakeOrARestoredTableIsRepublishedNeverSkipped() throws Exception {
    String schema = "publish_identity";
    Postgres db = TestDatabase.get();
    Lake a = new Lake(lakeDir.toString());
    assertEquals(
        Tables.GOLD_TABLES.size(), published(a, schema).size(), "first publish: every gold table");
    assertEquals(List.of(), published(a, schema), "then up to date");

    // another lake whose tables have the same version numbers (0) and other rows
    Lake b = new Lake(dir.resolve("other-lake").toString());
    for (TableId t : Tables.GOLD_TABLES) {
      var rows = a.read(spark, t);
      b.replace(t, t.equals(Tables.GOLD_CUSTOMER_SUMMARY) ? rows.limit(1) : rows, "copy");
      assertEquals(a.version(spark, t), b.version(spark, t), t + ": the same version number");
    }
    assertEquals(
        Tables.GOLD_TABLES.size(),
        published(b, schema).size(),
        "another lake: every table republished");
    assertEquals(1, count(db, schema + ".customer_summary"), "serving the other lake's rows");
    assertEquals(Tables.GOLD_TABLES.size(), published(a, schema).size(), "and back");
    assertEquals(2, count(db, schema + ".customer_summary"));

    // a table of the lake re-created from scratch: the same version number, another table id
    TableId recreated = Tables.GOLD_FREQUENT_ITEMSETS;
    var rows = a.read(spark, recreated).collectAsList();
    var schemaOf = a.read(spark, recreated).schema();
    deleteTree(Path.of(a.path(recreated)));
    a.replace(recreated, spark.createDataFrame(rows, schemaOf), "re-created");
    assertEquals(List.of(recreated.name()), published(a, schema));

    // a served table replaced behind the publisher's back (a restore, a hand-made copy)
    execute(
        db,
        "CREATE TABLE "
            + schema
            + ".rules_copy AS SELECT * FROM "
            + schema
            + ".association_rules; DROP TABLE "
            + schema
            + ".association_rules; ALTER TABLE "
            + schema
            + ".rules_copy RENAME TO association_rules");
    assertEquals(List.of("association_rules"), published(a, schema));
  }

  /** Publishes the lake into the schema; returns the tables that were (re)published. */
  private List<String> published(Lake lake, String schema) {
    JobContext ctx =
        TestContexts.local(Path.of(lake.root()), landing, DATE, "postgres.schema=" + schema)
            .withDatabase(TestDatabase.get());
    StageResult result = Stages.execute(new PublishJob(), spark, ctx);
    return result.details().keySet().stream()
        .filter(k -> k.endsWith(".written"))
        .map(k -> k.substring(0, k.length() - ".written".length()))
        .sorted()
        .toList();
  }

  private Map<String, Long> goldVersions(Lake lake) {
    Map<String, Long> versions = new TreeMap<>();
    for (TableId t : Tables.GOLD_TABLES) {
      versions.put(t.name(), lake.version(spark, t));
    }
    return versions;
  }

  private static Map<String, Long> servedVersions(Postgres db, String schema) throws Exception {
    Map<String, Long> versions = new TreeMap<>();
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT DISTINCT ON (table_name) table_name, delta_version FROM ops.publish_log"
                    + " WHERE table_schema = '"
                    + schema
                    + "' ORDER BY table_name, published_at DESC")) {
      while (rs.next()) {
        // the gold tables (the run history served beside them moves with every stage run)
        String table = rs.getString(1);
        if (Tables.GOLD_TABLES.stream().anyMatch(t -> t.name().equals(table))) {
          versions.put(table, rs.getLong(2));
        }
      }
    }
    return versions;
  }

  private static long count(Postgres db, String table) throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void execute(Postgres db, String sql) throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static void deleteTree(Path root) throws Exception {
    try (var all = Files.walk(root)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    assertFalse(Files.exists(root));
  }
}
