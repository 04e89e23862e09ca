package com.retail.lakehouse.common.publish;

import com.retail.lakehouse.common.UserError;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Where the serving database is and how to log in. */
public record Postgres(String url, String user, String password) {

  /** Opens a connection, or fails with one line that says what to check. */
  public Connection connect() {
    Properties props = new Properties();
    props.setProperty("user", user);
    if (!password.isEmpty()) {
      props.setProperty("password", password);
    }
    props.setProperty("connectTimeout", "10");
    try {
      return DriverManager.getConnection(url, props);
    } catch (SQLException e) {
      throw new UserError(
          "cannot connect to PostgreSQL at "
              + url
              + " as "
              + user
              + ": "
              + e.getMessage()
              + " (check --jdbc-url, postgres.user and the password variable)",
          e);
    }
  }
}
