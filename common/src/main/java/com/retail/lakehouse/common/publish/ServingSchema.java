package com.retail.lakehouse.common.publish;

import com.retail.lakehouse.common.RunFailure;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Creates and migrates a serving schema with the versioned SQL migrations of {@code db/migration/}:
 * the ops publish log, the gold tables with their keys, indexes and comments, and the analyst
 * role's grants. Each serving schema keeps its own history table, {@code
 * <schema>.flyway_schema_history}, so several schemas (environments, tests) can share a database.
 */
public final class ServingSchema {
  private static final Set<String> MIGRATED = ConcurrentHashMap.newKeySet();

  private ServingSchema() {}

  /** Migrates {@code schema} unless this JVM already did. */
  public static void migrateOnce(Postgres db, String schema) {
    if (!MIGRATED.contains(db.url() + " " + schema)) {
      migrate(db, schema);
    }
  }

  /**
   * Applies the pending migrations to {@code schema}; returns how many were applied. The server is
   * reached first through {@link Postgres#connect()}, so a server that is down or a refused login
   * gets its own message (and retries) rather than a migration error.
   */
  public static int migrate(Postgres db, String schema) {
    if (!com.retail.lakehouse.common.lake.TableId.isIdentifier(schema)) {
      throw new IllegalArgumentException("not a lower-case SQL identifier: " + schema);
    }
    try (java.sql.Connection reachable = db.connect()) {
      // connected: what fails from here on is the migration itself
    } catch (java.sql.SQLException e) {
      throw new RunFailure("cannot close a connection to " + db.url() + ": " + e.getMessage(), e);
    }
    Flyway flyway =
        Flyway.configure(ServingSchema.class.getClassLoader())
            .dataSource(db.url(), db.user(), db.password())
            .schemas(schema)
            .defaultSchema(schema)
            .table("flyway_schema_history")
            .locations("classpath:db/migration")
            // the schema as an identifier, and as a string literal (Settings allows [a-z0-9_] only)
            .placeholders(
                Map.of("schema", CopyEncoder.quoteIdentifier(schema), "schema_name", schema))
            // a schema published before migrations existed: adopt it and apply every migration,
            // which are written to keep what is already there (IF NOT EXISTS)
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .connectRetries(0)
            .load();
    try {
      MigrateResult result = flyway.migrate();
      MIGRATED.add(db.url() + " " + schema);
      return result.migrationsExecuted;
    } catch (FlywayException e) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      boolean denied = message.contains("permission denied") || message.contains("must be owner");
      throw new RunFailure(
          "cannot migrate the serving schema "
              + schema
              + " at "
              + db.url()
              + ": "
              + firstMeaningfulLine(message)
              + (denied
                  ? " (" + db.user() + " needs CONNECT and CREATE on the database; see the README)"
                  : ""),
          e);
    }
  }

  /** Flyway's messages start with a banner line of dashes; the cause is further down. */
  private static String firstMeaningfulLine(String message) {
    return message
        .lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.matches("-+"))
        .filter(l -> !l.startsWith("Migration ") || l.contains("failed"))
        .findFirst()
        .orElse(message.strip());
  }
}
