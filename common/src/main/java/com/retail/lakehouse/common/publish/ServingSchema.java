package com.retail.lakehouse.common.publish;

import com.retail.lakehouse.common.UserError;
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

  /** Applies the pending migrations to {@code schema}; returns how many were applied. */
  public static int migrate(Postgres db, String schema) {
    if (!schema.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("not a serving schema name: " + schema);
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
      throw new UserError(
          "cannot migrate the serving schema "
              + schema
              + " at "
              + db.url()
              + ": "
              + e.getMessage().lines().findFirst().orElse("")
              + " (check the database and that "
              + db.user()
              + " may create schemas)",
          e);
    }
  }
}
