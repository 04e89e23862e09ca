package com.retail.lakehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.publish.Postgres;
import com.retail.lakehouse.jobs.local.Pipeline;
import com.retail.lakehouse.jobs.support.SecuredDatabase;
import com.retail.lakehouse.jobs.support.TestContexts;
import com.retail.lakehouse.jobs.support.TestSpark;
import com.retail.lakehouse.jobs.support.TinyLanding;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline run as a user runs it (its own process, secrets in its environment, a serving
 * database that wants passwords and roles set up as the README says), then searched for its
 * secrets, and its database roles tried for what they must not be able to do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityTest {
  private static final String PASSWORD = "pg-password-" + UUID.randomUUID();
  private static final String PII_KEY = "pii-key-" + UUID.randomUUID();
  private static final String RUN_ID = "security-run";

  @TempDir static Path dir;
  private SecuredDatabase db;
  private Path lake;
  private Path log;
  private Path events;

  @BeforeAll
  void runThePipelineWithKnownSecrets() throws Exception {
    db = new SecuredDatabase(dir.resolve("pg"), PASSWORD, "analyst-password");
    Path landing = Files.createDirectories(dir.resolve("landing"));
    TinyLanding.write(landing);
    lake = dir.resolve("lake");
    log = dir.resolve("run.log");
    events = Files.createDirectories(dir.resolve("spark-events"));

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx2g");
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // the module openings Spark needs, and the collector and JIT flags bin/pipeline gives
      if (Stream.of("--add-opens", "-Djdk", "-Dio", "-XX:").anyMatch(arg::startsWith)) {
        command.add(arg);
      }
    }
    Path root = TestContexts.sample().getParent().getParent().getParent();
    command.add("-Dlog4j2.configurationFile=" + root.resolve("conf/log4j2.properties"));
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Pipeline.class.getName(),
            "run",
            "--lake",
            lake.toString(),
            "--sources",
            landing.toString(),
            "--date",
            "2017-02-01",
            "--run-id",
            RUN_ID,
            "--jdbc-url",
            db.url(SecuredDatabase.DATABASE),
            "--set",
            "postgres.user=" + SecuredDatabase.PIPELINE,
            "--set",
            "spark.conf.\"spark.eventLog.enabled\"=true",
            "--set",
            "spark.conf.\"spark.eventLog.dir\"=" + events.toUri(),
            // plain JSON lines, to be searched as text (Spark compresses event logs by default)
            "--set",
            "spark.conf.\"spark.eventLog.compress\"=false"));
    ProcessBuilder child =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    child.environment().put("LAKEHOUSE_PG_PASSWORD", PASSWORD);
    child.environment().put("LAKEHOUSE_PII_KEY", PII_KEY);
    child.environment().put("LAKEHOUSE_HOME", root.toString());
    Process p = child.start();
    assertTrue(p.waitFor(20, TimeUnit.MINUTES), "the run did not end; see " + log);
    assertEquals(0, p.exitValue(), Files.readString(log));
  }

  @AfterAll
  void stop() {
    db.close();
  }

  @Test
  void neitherSecretIsInAnyLogTheEventLogTheAuditOrTheSummary() throws Exception {
    Map<String, String> places = new LinkedHashMap<>();
    places.put("the run's output (its log and summary)", Files.readString(log));
    try (Stream<Path> files = Files.walk(events)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        places.put("the Spark event log " + f.getFileName(), Files.readString(f));
      }
    }
    SparkSession spark = TestSpark.get();
    Lake l = new Lake(lake.toString());
    for (TableId t : l.tables(spark)) {
      // every row of every table, audit included, as text (the tiny landing: a few hundred rows)
      places.put(
          "the lake table " + t, String.join("\n", l.read(spark, t).toJSON().collectAsList()));
    }
    places.put(
        "ops.publish_log in PostgreSQL",
        rows(db.superuser(SecuredDatabase.DATABASE), "ops.publish_log"));

    // the places are the right ones: each holds what the run wrote there
    assertTrue(places.get("the run's output (its log and summary)").contains("Lakehouse summary"));
    assertTrue(places.keySet().stream().anyMatch(k -> k.startsWith("the Spark event log")));
    assertTrue(places.get("the lake table ops.pipeline_runs").contains(RUN_ID));
    assertTrue(places.get("ops.publish_log in PostgreSQL").contains(RUN_ID));
    assertTrue(places.size() > 30, places.keySet().toString());

    for (Map.Entry<String, String> place : places.entrySet()) {
      assertFalse(place.getValue().contains(PASSWORD), "the password is in " + place.getKey());
      assertFalse(place.getValue().contains(PII_KEY), "the PII key is in " + place.getKey());
    }
  }

  @Test
  void thePseudonymsAreKeyedWithTheKeyFromTheEnvironment() throws Exception {
    SparkSession spark = TestSpark.get();
    Lake l = new Lake(lake.toString());
    // an email as the shop sent it (bronze keeps the raw pages), pseudonymised here by hand
    String page = l.read(spark, Tables.BRONZE_ORDERS_RAW).select("body").first().getString(0);
    JsonNode order = new ObjectMapper().readTree(page).get("orders").get(0);
    String email = order.get("customer").get("email").asText().strip().toLowerCase();
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(PII_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    // the pseudonym is HMAC-SHA256 of "email:" and the normalised address (the kind keeps an email
    // and a phone that are equal strings apart)
    String expected =
        HexFormat.of().formatHex(mac.doFinal(("email:" + email).getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        1,
        l.read(spark, Tables.SILVER_ORDERS)
            .filter(org.apache.spark.sql.functions.col("email_pseudonym").equalTo(expected))
            .select("email_pseudonym")
            .distinct()
            .count());
  }

  @Test
  void theAnalystReadsThePublishedTablesAndNothingElseAndCannotWrite() throws Exception {
    try (Connection c = db.analyst().connect();
        Statement st = c.createStatement()) {
      for (TableId t : Tables.GOLD_TABLES) {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM gold." + t.name())) {
          assertTrue(rs.next(), t.toString());
        }
      }
      assertEquals(2, count(st, "gold.customer_summary"), "the tiny landing's two households");
      assertRefused(
          st,
          "SELECT * FROM ops.publish_log",
          "SELECT * FROM hr.salaries",
          "SELECT * FROM public.notes",
          "INSERT INTO gold.customer_summary (household_id) VALUES (42)",
          "UPDATE gold.customer_summary SET baskets = 0",
          "DELETE FROM gold.customer_summary",
          "TRUNCATE gold.customer_summary",
          "DROP TABLE gold.customer_summary",
          "ALTER TABLE gold.customer_summary ADD COLUMN x int",
          "CREATE TABLE gold.mine (x int)",
          "CREATE TABLE public.mine (x int)",
          "CREATE SCHEMA mine");
      // PostgreSQL answers a grant by a role without the grant option with a warning, not an
      // error: what counts is that nothing was granted
      st.execute("GRANT SELECT ON gold.customer_summary TO PUBLIC");
      try (ResultSet rs =
          st.executeQuery(
              "SELECT count(*) FROM information_schema.table_privileges"
                  + " WHERE grantee = 'PUBLIC' AND table_schema = 'gold'")) {
        rs.next();
        assertEquals(0, rs.getLong(1), "the analyst granted PUBLIC a privilege");
      }
    }
  }

  @Test
  void thePipelinesRoleHasOnlyWhatPublishingNeeds() throws Exception {
    try (Connection c = db.pipeline().connect();
        Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery(
              "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles"
                  + " WHERE rolname = current_user")) {
        rs.next();
        for (int i = 1; i <= 4; i++) {
          assertFalse(rs.getBoolean(i), "attribute " + rs.getMetaData().getColumnName(i));
        }
      }
      // it owns what it publishes, and no more
      assertEquals(2, count(st, "gold.customer_summary"));
      assertRefused(
          st,
          "SELECT * FROM hr.salaries",
          "SELECT * FROM public.notes",
          "CREATE TABLE public.mine (x int)",
          "CREATE ROLE intruder LOGIN",
          "CREATE DATABASE other",
          "SELECT * FROM pg_authid",
          "ALTER SYSTEM SET work_mem = '1GB'",
          "COPY (SELECT 1) TO PROGRAM 'true'",
          "GRANT retail_analyst TO " + SecuredDatabase.PIPELINE);
    }
  }

  private static void assertRefused(Statement st, String... statements) {
    for (String sql : statements) {
      SQLException e = assertThrows(SQLException.class, () -> st.execute(sql), sql);
      String m = e.getMessage();
      assertTrue(
          m.contains("permission denied") || m.contains("must be") || m.contains("privilege"),
          sql + ": " + m);
    }
  }

  private static long count(Statement st, String table) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String rows(Postgres db, String table) throws SQLException {
    StringBuilder text = new StringBuilder();
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT t::text FROM " + table + " t")) {
      while (rs.next()) {
        text.append(rs.getString(1)).append('\n');
      }
    }
    return text.toString();
  }
}
