package com.retail.lakehouse.jobs.support;

import com.retail.lakehouse.common.publish.EmbeddedDatabase;
import com.retail.lakehouse.common.publish.Postgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * One embedded PostgreSQL server for the whole test run; tests keep apart by publishing into
 * schemas of their own.
 */
public final class TestDatabase {
  private static EmbeddedDatabase server;

  private TestDatabase() {}

  public static synchronized Postgres get() {
    if (server == null) {
      try {
        server = EmbeddedDatabase.start(Files.createTempDirectory("lakehouse-test-pg"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    }
    return server.postgres();
  }
}
