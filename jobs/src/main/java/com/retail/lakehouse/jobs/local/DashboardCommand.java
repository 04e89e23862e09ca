package com.retail.lakehouse.jobs.local;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.JobOptions;
import com.retail.lakehouse.common.publish.EmbeddedDatabase;
import com.retail.lakehouse.common.publish.Postgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.kohsuke.args4j.Option;
import org.postgresql.PGConnection;

/**
 * {@code bin/pipeline dashboard}: the analysts' Streamlit dashboard ({@code notebooks/dashboard/})
 * over the serving database. With {@value #URL_ENV} set it reads that PostgreSQL; otherwise it
 * serves the local run's embedded PostgreSQL (as {@code bin/pipeline db} does) and gives the
 * dashboard a login of its own, {@value #LOGIN}, a member of the read-only role {@code
 * retail_analyst}. The password only travels through the environment: {@value #PASSWORD_ENV} when
 * set, a random one for this session otherwise.
 */
final class DashboardCommand implements Command {
  static final String URL_ENV = "LAKEHOUSE_DASHBOARD_URL";
  static final String PASSWORD_ENV = "LAKEHOUSE_DASHBOARD_PASSWORD";
  static final String LOGIN = "retail_dashboard";
  static final String ANALYST_ROLE = "retail_analyst";

  /** Options of {@code bin/pipeline dashboard}. */
  static final class Options {
    @Option(
        name = "--lake",
        metaVar = "DIR",
        usage = "lake root of the local run whose database to serve (default: the lake.root)")
    String lake;

    @Option(name = "--port", metaVar = "PORT", usage = "port of the dashboard")
    int port = 8501;

    @Option(name = "--help", aliases = "-h", help = true, usage = "show this help")
    boolean help;
  }

  @Override
  public String name() {
    return "dashboard";
  }

  @Override
  public String summary() {
    return "the analysts' dashboard (Streamlit) over the local run's PostgreSQL\n"
        + "or over $"
        + URL_ENV;
  }

  @Override
  public int run(String[] args, Console console) throws Exception {
    Options o = console.parse(new Options(), args, name());
    if (console.help(o, "dashboard [--lake DIR] [--port PORT]", o.help)) {
      return 0;
    }
    if (o.port < 1 || o.port > 65535) {
      throw new UserError("--port must be between 1 and 65535 (got " + o.port + ")");
    }
    String url = System.getenv(URL_ENV);
    JobOptions job = new JobOptions();
    job.lake = o.lake;
    String schema = job.settings().postgres().schema();
    Path data = EmbeddedDatabase.besideLake(job.settings().lakeRoot());
    boolean embedded = url == null || url.isBlank();
    if (embedded && !Files.isDirectory(data)) {
      throw new UserError(
          "no local database at " + data + ": run bin/pipeline run first, or set " + URL_ENV);
    }
    Path app = home().resolve("notebooks/dashboard");
    if (!Files.isRegularFile(app.resolve("app.py"))) {
      throw new UserError("no dashboard at " + app + " (set LAKEHOUSE_HOME to the repository)");
    }
    prepareVirtualenv(app);

    EmbeddedDatabase server = embedded ? startDatabase(data) : null;
    ProcessBuilder streamlit =
        new ProcessBuilder(
                app.resolve(".venv/bin/python").toString(),
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.address=127.0.0.1",
                "--server.port=" + o.port,
                "--server.headless=true",
                "--browser.gatherUsageStats=false")
            .directory(app.toFile())
            .inheritIO();
    Map<String, String> env = streamlit.environment();
    env.put("LAKEHOUSE_PG_SCHEMA", schema);
    if (server != null) {
      String password = System.getenv(PASSWORD_ENV);
      if (password == null || password.isEmpty()) {
        password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
      }
      ensureLogin(server.postgres(), LOGIN, password);
      url = "postgresql://" + LOGIN + "@localhost:" + server.port() + "/postgres";
      env.put(URL_ENV, url);
      env.put(PASSWORD_ENV, password);
      console.out().println("PostgreSQL over " + data + " is up at " + url);
    }
    Process process = streamlit.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  process.destroy();
                  if (server != null) {
                    try {
                      server.close();
                    } catch (RuntimeException e) { // stopped by someone else already
                      console.err().println("dashboard: " + e.getMessage());
                    }
                  }
                }));
    console.out().println("dashboard at http://127.0.0.1:" + o.port + "/ (stop it with Ctrl-C)");
    console.out().flush();
    int exit = process.waitFor();
    return exit == 0 ? 0 : 1;
  }

  /**
   * Makes {@code login} a login role of {@code db} that holds {@value #ANALYST_ROLE}'s rights and
   * nothing else, with {@code password} (sent as a SCRAM hash, never in clear). Creates {@value
   * #ANALYST_ROLE} without any grant when the database has never been published into (the serving
   * schema's migrations grant it its rights).
   */
  static void ensureLogin(Postgres db, String login, String password) throws SQLException {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      if (!roleExists(c, ANALYST_ROLE)) {
        st.execute("CREATE ROLE " + ANALYST_ROLE + " NOLOGIN");
      }
      if (!roleExists(c, login)) {
        st.execute("CREATE ROLE " + login + " LOGIN");
      }
      st.execute(
          "ALTER ROLE " + login + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION");
      st.execute("GRANT " + ANALYST_ROLE + " TO " + login);
      c.unwrap(PGConnection.class).alterUserPassword(login, password.toCharArray(), null);
    }
  }

  private static boolean roleExists(Connection c, String role) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static EmbeddedDatabase startDatabase(Path data) {
    try {
      return EmbeddedDatabase.start(data, 0);
    } catch (RuntimeException e) {
      throw new UserError(
          "cannot start the local database at "
              + data
              + ": "
              + e.getMessage()
              + " (is a bin/pipeline db or dashboard over the same lake still running?)",
          e);
    }
  }

  /** Creates or refreshes notebooks/dashboard/.venv from its requirements (bin/python-venv). */
  private static void prepareVirtualenv(Path app) throws IOException, InterruptedException {
    Path script = home().resolve("bin/python-venv");
    Process venv =
        new ProcessBuilder(
                List.of(
                    script.toString(),
                    app.resolve(".venv").toString(),
                    app.resolve("requirements.txt").toString()))
            .inheritIO()
            .start();
    if (venv.waitFor() != 0) {
      throw new IllegalStateException(
          "could not create the dashboard's virtualenv with " + script + " (see above)");
    }
  }

  /** The repository: $LAKEHOUSE_HOME as bin/pipeline sets it, else the working directory. */
  private static Path home() {
    String home = System.getenv("LAKEHOUSE_HOME");
    return Path.of(home == null || home.isBlank() ? "." : home).toAbsolutePath().normalize();
  }
}
