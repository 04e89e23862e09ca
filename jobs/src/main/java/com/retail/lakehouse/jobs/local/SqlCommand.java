package com.retail.lakehouse.jobs.local;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.JobOptions;
import com.retail.lakehouse.common.cli.JobRunner;
import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.spark.Sessions;
import com.retail.lakehouse.jobs.Stages;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.kohsuke.args4j.Argument;
import org.kohsuke.args4j.Option;

/** {@code bin/pipeline sql}: Spark SQL over the lake, every table addressable as layer.table. */
final class SqlCommand implements Command {
  /** Options of {@code bin/pipeline sql}. */
  static final class Options {
    @Option(
        name = "--lake",
        metaVar = "DIR",
        usage = "lake root (default: the environment's lake.root)")
    String lake;

    @Option(name = "--env", metaVar = "NAME", usage = "configuration environment: local or cluster")
    String env = "local";

    @Option(name = "--format", metaVar = "table|csv|json", usage = "output format")
    String format = "table";

    @Option(name = "--limit", metaVar = "N", usage = "rows printed at most")
    int limit = 1000;

    @Option(name = "--help", aliases = "-h", help = true, usage = "show this help")
    boolean help;

    @Argument(metaVar = "QUERY", usage = "Spark SQL; tables are layer.table")
    List<String> query = new ArrayList<>();
  }

  @Override
  public String name() {
    return "sql";
  }

  @Override
  public String summary() {
    return "Spark SQL over the lake; tables are layer.table: sql \"SELECT ...\"";
  }

  @Override
  public int run(String[] args, Console console) {
    Options o = console.parse(new Options(), args, name());
    if (console.help(o, "sql [options] \"SELECT ...\"", o.help)) {
      return 0;
    }
    if (o.query.isEmpty()) {
      throw new UserError(
          "sql needs a query, for example: bin/pipeline sql \"SELECT * FROM gold.customer_summary LIMIT 5\"");
    }
    if (!List.of("table", "csv", "json").contains(o.format)) {
      throw new UserError("--format must be table, csv or json (got '" + o.format + "')");
    }
    JobOptions job = new JobOptions();
    job.env = o.env;
    job.lake = o.lake;
    Settings settings = job.settings();
    File root = new File(settings.lakeRoot());
    if (!settings.lakeRoot().contains("://") && !root.isDirectory()) {
      throw new UserError(
          "no lake at " + settings.lakeRoot() + ": run bin/pipeline run first or pass --lake DIR");
    }
    SparkSession spark = Sessions.create("retail-lakehouse-sql", settings);
    Lake lake = new Lake(settings.lakeRoot());
    for (TableId t : lake.uncommitted(spark)) {
      console
          .err()
          .println(
              "warning: "
                  + t
                  + " is left out: its directory holds no Delta commit (a first write that was"
                  + " killed); the next run of "
                  + Stages.GRAPH.producerOf(t).orElse("the stage that writes it")
                  + " recreates it");
    }
    lake.register(spark);
    Dataset<Row> result;
    try {
      result = spark.sql(String.join(" ", o.query));
    } catch (Exception e) { // Spark's AnalysisException is a checked exception thrown from Scala
      throw new UserError("query failed: " + JobRunner.oneLine(e));
    }
    console.out().println(TablePrinter.format(result, o.format, o.limit));
    return 0;
  }
}
