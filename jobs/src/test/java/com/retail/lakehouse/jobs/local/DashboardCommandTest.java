package com.retail.lakehouse.jobs.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.publish.Postgres;
import com.retail.lakehouse.common.publish.ServingSchema;
import com.retail.lakehouse.jobs.support.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/pipeline dashboard}: its usage errors, and the login it gives the dashboard on the
 * embedded PostgreSQL (the Streamlit side is tested by notebooks/dashboard/run-tests.sh).
 */
class DashboardCommandTest {
  private static final String SCHEMA = "dashboard_gold";
  private static final String LOGIN = "dash_login_test";

  @Test
  void usageErrorsExitWith2() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Pipeline pipeline =
        new Pipeline(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, pipeline.run(new String[] {"dashboard", "--port", "70000"}));
    assertEquals(
        "error: --port must be between 1 and 65535 (got 70000)\n",
        err.toString(StandardCharsets.UTF_8));
    err.reset();
    if (System.getenv(DashboardCommand.URL_ENV) == null) {
      assertEquals(2, pipeline.run(new String[] {"dashboard", "--lake", "/nonexistent/lake"}));
      assertEquals(
          "error: no local database at /nonexistent/lake-postgres: run bin/pipeline run first,"
              + " or set LAKEHOUSE_DASHBOARD_URL\n",
          err.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void theDashboardsLoginReadsTheServingSchemaAndNothingElse() throws Exception {
    Postgres admin = TestDatabase.get();
    ServingSchema.migrate(admin, SCHEMA);
    execute(admin, "INSERT INTO " + SCHEMA + ".product_performance (product_id) VALUES (1), (2)");
    // twice: a second start of the dashboard finds the login there and sets its password again
    DashboardCommand.ensureLogin(admin, LOGIN, "first 'secret'");
    DashboardCommand.ensureLogin(admin, LOGIN, "second \"secret\"");

    // stored as a SCRAM verifier: the clear password never reached the server
    assertEquals(
        List.of("SCRAM-SHA-256", "true", "false", "false"),
        row(
            admin,
            "SELECT split_part(rolpassword, '$', 1), rolcanlogin::text, rolsuper::text,"
                + " rolcreaterole::text"
                + " FROM pg_authid WHERE rolname = '"
                + LOGIN
                + "'"));
    Postgres login = new Postgres(admin.url().replace("user=postgres", "user=" + LOGIN), LOGIN, "");
    assertEquals(
        List.of("2"), row(login, "SELECT count(*) FROM " + SCHEMA + ".product_performance"));
    row(login, "SELECT count(*) FROM " + SCHEMA + ".publish_log");
    for (String denied :
        List.of(
            "SELECT count(*) FROM ops.publish_log",
            "DELETE FROM " + SCHEMA + ".product_performance",
            "CREATE TABLE " + SCHEMA + ".mine (x int)")) {
      SQLException e = assertThrows(SQLException.class, () -> row(login, denied), denied);
      assertTrue(e.getMessage().contains("permission denied"), denied + ": " + e.getMessage());
    }
  }

  private static void execute(Postgres db, String sql) throws SQLException {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static List<String> row(Postgres db, String sql) throws SQLException {
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      int n = rs.getMetaData().getColumnCount();
      String[] values = new String[n];
      for (int i = 0; i < n; i++) {
        values[i] = rs.getString(i + 1);
      }
      return List.of(values);
    }
  }
}
