package com.retail.lakehouse.jobs.support;

import com.retail.lakehouse.common.publish.EmbeddedDatabase;
import com.retail.lakehouse.common.publish.Postgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A PostgreSQL server of its own, set up as the README tells a DBA to set up a shared one: a
 * database {@code retail}, the pipeline's role {@code lakehouse_pipeline} (a password, CONNECT and
 * CREATE on the database, nothing more), the read-only role {@code retail_analyst} and an analyst
 * login {@code alice} in it. Every login but the superuser's must give its password
 * (scram-sha-256); the superuser keeps trust, for the test's own checks. The server can be stopped
 * and started again on the same port.
 */
public final class SecuredDatabase implements AutoCloseable {
  public static final String DATABASE = "retail";
  public static final String PIPELINE = "lakehouse_pipeline";
  public static final String ANALYST = "alice";

  private final Path data;
  private final String pipelinePassword;
  private final String analystPassword;
  private EmbeddedDatabase server;
  private int port;

  public SecuredDatabase(Path data, String pipelinePassword, String analystPassword) {
    this.data = data;
    this.pipelinePassword = pipelinePassword;
    this.analystPassword = analystPassword;
    this.server = EmbeddedDatabase.start(data);
    this.port = server.port();
    try (Connection c = superuser("postgres").connect();
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + DATABASE);
      st.execute(
          "CREATE ROLE "
              + PIPELINE
              + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '"
              + pipelinePassword
              + "'");
      st.execute("GRANT CONNECT, CREATE ON DATABASE " + DATABASE + " TO " + PIPELINE);
      st.execute("CREATE ROLE retail_analyst NOLOGIN");
      st.execute("GRANT CONNECT ON DATABASE " + DATABASE + " TO retail_analyst");
      st.execute(
          "CREATE ROLE "
              + ANALYST
              + " LOGIN PASSWORD '"
              + analystPassword
              + "' IN ROLE retail_analyst");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    try (Connection c = superuser(DATABASE).connect();
        Statement st = c.createStatement()) {
      st.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
      // something else in the same database that neither role may read
      st.execute("CREATE SCHEMA hr");
      st.execute("CREATE TABLE hr.salaries (name text, salary numeric)");
      st.execute("INSERT INTO hr.salaries VALUES ('someone', 1)");
      st.execute("CREATE TABLE public.notes (note text)");
      requirePasswords(st);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every login but the superuser's over TCP gives its password. */
  private void requirePasswords(Statement st) throws SQLException {
    try {
      Files.writeString(
          data.resolve("pg_hba.conf"),
          "local all postgres trust\n"
              + "host all postgres 127.0.0.1/32 trust\n"
              + "host all postgres ::1/128 trust\n"
              + "host all all 127.0.0.1/32 scram-sha-256\n"
              + "host all all ::1/128 scram-sha-256\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    st.execute("SELECT pg_reload_conf()");
  }

  /** The JDBC URL of a database, no user in it. */
  public String url(String database) {
    return "jdbc:postgresql://localhost:" + port + "/" + database;
  }

  public Postgres superuser(String database) {
    return new Postgres(url(database) + "?user=postgres", "postgres", "");
  }

  public Postgres pipeline() {
    return new Postgres(url(DATABASE), PIPELINE, pipelinePassword);
  }

  public Postgres analyst() {
    return new Postgres(url(DATABASE), ANALYST, analystPassword);
  }

  public int port() {
    return port;
  }

  public void stop() {
    server.close();
    server = null;
  }

  /** Starts the server again over the same data, on the same port. */
  public void start() {
    server = EmbeddedDatabase.start(data, port);
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
