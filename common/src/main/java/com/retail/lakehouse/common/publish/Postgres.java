package com.retail.lakehouse.common.publish;

import com.retail.lakehouse.common.RunFailure;
import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.config.Settings;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Where the serving database is and how to log in: the password (taken from the environment
 * variable {@code passwordEnv} by whoever builds this) and how often to try a connection the server
 * refuses or does not answer. {@link #toString()} leaves the password out.
 */
public record Postgres(
    String url,
    String user,
    String password,
    String passwordEnv,
    int connectTries,
    Duration connectBackoff)
    implements Serializable {
  private static final Logger LOG = LogManager.getLogger(Postgres.class);

  /** A server that needs no password and one try (the embedded one, tests). */
  public Postgres(String url, String user, String password) {
    this(url, user, password, null, 1, Duration.ZERO);
  }

  /**
   * The database the settings name, the password from the variable they name, tried as they say.
   */
  public static Postgres configured(Settings.Postgres conf) {
    if (!conf.isConfigured()) {
      throw new UserError(
          "postgres.url is not set: pass --jdbc-url jdbc:postgresql://HOST:PORT/DB");
    }
    return new Postgres(
        conf.url(),
        conf.user(),
        conf.password(),
        conf.passwordEnv(),
        conf.connectTries(),
        conf.connectBackoff());
  }

  public Postgres {
    if (connectTries < 1) {
      throw new IllegalArgumentException("connectTries must be at least 1");
    }
  }

  /** The same database, a connection tried {@code tries} times, waits from {@code backoff}. */
  public Postgres withRetries(int tries, Duration backoff) {
    return new Postgres(url, user, password, passwordEnv, tries, backoff);
  }

  /**
   * Opens a connection. A server that refuses the connection or does not answer (not started yet,
   * restarting, unreachable) is tried again up to {@code connectTries} times, the waits doubling; a
   * refused login fails at once, naming the variable that holds the password. Every failure is a
   * {@link RunFailure} with one line that says what to check.
   */
  public Connection connect() {
    Properties props = new Properties();
    props.setProperty("user", user);
    if (!password.isEmpty()) {
      props.setProperty("password", password);
    }
    props.setProperty("connectTimeout", "10");
    String last = "";
    long started = System.currentTimeMillis();
    for (int attempt = 1; attempt <= connectTries; attempt++) {
      try {
        return DriverManager.getConnection(url, props);
      } catch (SQLException e) {
        if (isLoginRefused(e)) {
          throw new RunFailure(loginRefused(e), e);
        }
        last = firstLine(e);
        if (!isTransient(e)) {
          throw new RunFailure(
              "cannot connect to PostgreSQL at " + url + " as " + user + ": " + last, e);
        }
        if (attempt == connectTries) {
          break;
        }
        Duration wait = connectBackoff.multipliedBy(1L << Math.min(attempt - 1, 16));
        LOG.warn(
            "PostgreSQL at {} did not accept a connection ({}): try {}/{} again in {} ms",
            url,
            last,
            attempt,
            connectTries,
            wait.toMillis());
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new RunFailure("interrupted while waiting to reconnect to PostgreSQL at " + url);
        }
      }
    }
    throw new RunFailure(
        "PostgreSQL at "
            + url
            + " did not accept a connection in "
            + connectTries
            + (connectTries == 1 ? " try" : " tries")
            + " over "
            + (System.currentTimeMillis() - started) / 1000
            + " s (last: "
            + last
            + "): check that the server is running and reachable; what is already in the lake"
            + " stays committed and the next publish catches up");
  }

  /** The server said no to these credentials (or asked for a password none was given for). */
  static boolean isLoginRefused(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String message = e.getMessage() == null ? "" : e.getMessage();
    return state.startsWith("28")
        || message.contains("password is an empty string")
        || message.contains("no password was provided");
  }

  /**
   * Worth another try: the connection could not be made or was lost (class 08), the server is
   * starting or shutting down (57P), or has no connection slot free (53300).
   */
  static boolean isTransient(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    return state.startsWith("08") || state.startsWith("57P") || state.equals("53300");
  }

  private String loginRefused(SQLException e) {
    String variable =
        passwordEnv == null ? "the variable named by postgres.password-env" : passwordEnv;
    String why =
        password.isEmpty()
            ? "it asks for a password and " + variable + " is not set"
            : "the password in " + variable + " is not accepted (" + firstLine(e) + ")";
    return "PostgreSQL at "
        + url
        + " refused the login of "
        + user
        + ": "
        + why
        + "; set "
        + variable
        + " to the password of "
        + user
        + " (postgres.user)";
  }

  private static String firstLine(SQLException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse(message).strip();
  }

  /** Without the password. */
  @Override
  public String toString() {
    return "Postgres[url="
        + url
        + ", user="
        + user
        + ", password="
        + (password.isEmpty() ? "none" : "***")
        + "]";
  }
}
