package com.retail.lakehouse.jobs.local;

/** {@code bin/pipeline bench-publish}: the publish rate beside Spark's JDBC writer. */
final class BenchPublishCommand implements Command {
  @Override
  public String name() {
    return "bench-publish";
  }

  @Override
  public String summary() {
    return "publish rate (rows/s) of the COPY publish beside Spark's JDBC writer:\n"
        + "[--rows N] [--partitions P] [--jdbc-url URL]";
  }

  @Override
  public int run(String[] args, Console console) {
    PublishBenchmark.Options o = console.parse(new PublishBenchmark.Options(), args, name());
    if (console.help(o, "bench-publish [--rows N] [--partitions P] [options]", o.help)) {
      return 0;
    }
    return PublishBenchmark.run(o, console.out());
  }
}
