package com.retail.lakehouse.common.publish;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL server from a Maven artifact, for the local runner and the tests. Its data
 * directory is kept between starts, so what was published stays there.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private final EmbeddedPostgres server;

  private EmbeddedDatabase(EmbeddedPostgres server) {
    this.server = server;
  }

  /** Starts a server over {@code dataDirectory} (created when missing) on a free port. */
  public static EmbeddedDatabase start(Path dataDirectory) {
    return start(dataDirectory, 0);
  }

  /** Starts a server over {@code dataDirectory} on {@code port}, or a free port when 0. */
  public static EmbeddedDatabase start(Path dataDirectory, int port) {
    try {
      Files.createDirectories(dataDirectory);
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false);
      if (port > 0) {
        builder.setPort(port);
      }
      return new EmbeddedDatabase(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDirectory, e);
    }
  }

  /** The data directory beside a local lake: {@code <lake>-postgres}. */
  public static Path besideLake(String lakeRoot) {
    Path lake = Path.of(lakeRoot).toAbsolutePath().normalize();
    return lake.resolveSibling(lake.getFileName() + "-postgres");
  }

  public Postgres postgres() {
    return new Postgres(server.getJdbcUrl("postgres", "postgres"), "postgres", "");
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
