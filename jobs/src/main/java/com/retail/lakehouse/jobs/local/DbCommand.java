package com.retail.lakehouse.jobs.local;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.JobOptions;
import com.retail.lakehouse.common.publish.EmbeddedDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.kohsuke.args4j.Option;

/** {@code bin/pipeline db}: serves the embedded PostgreSQL of a local run until stopped. */
final class DbCommand implements Command {
  /** Options of {@code bin/pipeline db}. */
  static final class Options {
    @Option(
        name = "--lake",
        metaVar = "DIR",
        usage = "lake root of the local run (default: the environment's lake.root)")
    String lake;

    @Option(name = "--port", metaVar = "PORT", usage = "port to listen on (default: a free one)")
    int port;

    @Option(name = "--help", aliases = "-h", help = true, usage = "show this help")
    boolean help;
  }

  @Override
  public String name() {
    return "db";
  }

  @Override
  public String summary() {
    return "serve the local run's PostgreSQL and print its connection URL";
  }

  @Override
  public int run(String[] args, Console console) {
    Options o = console.parse(new Options(), args, name());
    if (console.help(o, "db [--lake DIR] [--port PORT]", o.help)) {
      return 0;
    }
    JobOptions job = new JobOptions();
    job.lake = o.lake;
    Path data = EmbeddedDatabase.besideLake(job.settings().lakeRoot());
    if (!Files.isDirectory(data)) {
      throw new UserError("no local database at " + data + ": run bin/pipeline run first");
    }
    EmbeddedDatabase server = EmbeddedDatabase.start(data, o.port);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    int port = server.port();
    console.out().println("PostgreSQL over " + data + " is up; stop it with Ctrl-C");
    console
        .out()
        .println("  JDBC:  jdbc:postgresql://localhost:" + port + "/postgres?user=postgres");
    console.out().println("  URL:   postgresql://postgres@localhost:" + port + "/postgres");
    console
        .out()
        .println(
            "  try:   psql postgresql://postgres@localhost:"
                + port
                + "/postgres -c 'SELECT * FROM gold.customer_summary LIMIT 5'");
    console.out().flush();
    try {
      Thread.currentThread().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
