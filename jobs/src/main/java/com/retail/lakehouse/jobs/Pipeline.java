package com.retail.lakehouse.jobs;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.JobOptions;
import com.retail.lakehouse.common.cli.JobRunner;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.publish.EmbeddedDatabase;
import com.retail.lakehouse.common.publish.Postgres;
import com.retail.lakehouse.common.spark.Sessions;
import com.retail.lakehouse.jobs.recommend.BasketMining;
import com.retail.lakehouse.jobs.runner.PublishBenchmark;
import com.retail.lakehouse.jobs.runner.RunSummary;
import com.retail.lakehouse.jobs.runner.TablePrinter;
import com.retail.lakehouse.jobs.shop.ForgetCustomer;
import com.retail.lakehouse.jobs.shop.OrdersExtractJob;
import com.retail.lakehouse.jobs.shop.OrdersGoldJob;
import com.retail.lakehouse.jobs.shop.OrdersSilverJob;
import com.retail.lakehouse.jobs.shop.ShopApiCommand;
import com.retail.lakehouse.jobs.shop.ShopApiSimulator;
import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.kohsuke.args4j.Argument;
import org.kohsuke.args4j.CmdLineException;
import org.kohsuke.args4j.CmdLineParser;
import org.kohsuke.args4j.Option;

/**
 * The local runner behind {@code bin/pipeline}: every stage in one JVM on {@code local[*]}, with an
 * embedded PostgreSQL when no database is configured, plus the {@code sql} and {@code rules} tools.
 */
public final class Pipeline {
  static final String USAGE =
      """
      usage: bin/pipeline COMMAND [options]

      commands:
        run              every stage: bronze, orders_extract, silver, orders_silver, gold,
                         orders_gold, recommendations, publish; locally, with no --orders-api,
                         against a simulated shop API
        bronze | orders_extract | silver | orders_silver | gold | orders_gold |
        recommendations | publish
                         one stage
        sql "SELECT ..." Spark SQL over the lake; tables are layer.table
        rules            mine association rules from a basket file (one basket a line)
        db               serve the local run's PostgreSQL and print its connection URL
        shop-api         serve a simulated web-shop orders API: --port P [--orders N] [--seed S]
        bench-publish    publish rate (rows/s) of the COPY publish beside Spark's JDBC writer:
                         [--rows N] [--partitions P] [--jdbc-url URL]
        forget           erase one shop customer from bronze, silver, gold and PostgreSQL:
                         --email ADDRESS | --customer-id ID

      bin/pipeline COMMAND --help shows the options of a command.""";

  private final PrintStream out;
  private final PrintStream err;

  Pipeline(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    if (System.getProperty("spark.master") == null) {
      System.setProperty("spark.master", "local[*]");
    }
    System.exit(new Pipeline(System.out, System.err).run(args));
  }

  int run(String[] args) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      out.println(USAGE);
      return args.length == 0 ? JobRunner.USAGE : 0;
    }
    String command = args[0];
    String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
    try {
      return switch (command) {
        case "run" -> runStages(command, rest, stagesWith(null));
        case "bronze",
                "orders_extract",
                "silver",
                "orders_silver",
                "gold",
                "orders_gold",
                "recommendations",
                "publish" ->
            runStages(
                command,
                rest,
                stagesWith(null).stream().filter(j -> j.stage().equals(command)).toList());
        case "sql" -> sql(rest);
        case "rules" -> rules(rest);
        case "db" -> db(rest);
        case "forget" -> forget(rest);
        case "shop-api" -> ShopApiCommand.run(rest, out, err);
        case "bench-publish" -> benchPublish(rest);
        default -> {
          err.println("error: unknown command '" + command + "'\n" + USAGE);
          yield JobRunner.USAGE;
        }
      };
    } catch (UserError e) {
      err.println("error: " + e.getMessage());
      return JobRunner.USAGE;
    } catch (Exception e) { // also Spark's AnalysisException, checked but thrown from Scala
      err.println("error: " + command + " failed: " + JobRunner.oneLine(e));
      return JobRunner.FAILED;
    }
  }

  /**
   * The stages of a run in order; publish goes to {@code database}, or the configured one when
   * null.
   */
  static List<Job> stagesWith(Postgres database) {
    return List.of(
        new BronzeIngestJob(),
        new OrdersExtractJob(),
        new SilverJob(),
        new OrdersSilverJob(),
        new GoldJob(),
        new OrdersGoldJob(),
        new RecommendationsJob(),
        new PublishJob(database));
  }

  private <T> T parse(T options, String[] args, String usage) {
    CmdLineParser parser = new CmdLineParser(options);
    try {
      parser.parseArgument(args);
    } catch (CmdLineException e) {
      throw new UserError(e.getMessage() + " (see bin/pipeline " + usage + " --help)");
    }
    return options;
  }

  private static boolean printHelp(PrintStream out, Object options, String usage, boolean help) {
    if (help) {
      out.println("usage: bin/pipeline " + usage);
      new CmdLineParser(options).printUsage(out);
    }
    return help;
  }

  private int runStages(String command, String[] args, List<Job> stages) {
    JobOptions options = parse(new JobOptions(), args, command);
    if (printHelp(out, options, command + " [options]", options.help)) {
      return 0;
    }
    JobContext ctx = options.context();
    ShopApiSimulator shop = null;
    if (stages.stream().anyMatch(j -> j instanceof OrdersExtractJob)
        && !ctx.settings().ordersApi().isConfigured()
        && ctx.settings().env().equals("local")) {
      shop = ShopApiCommand.simulatorForLocalRun(ctx.settings().sourcesRoot()).start(0);
      out.println("no --orders-api given: simulated shop API at " + shop.url());
      options.runId = ctx.runId();
      options.overrides.add("orders-api.url=" + shop.url());
      ctx = options.context();
    }
    EmbeddedDatabase embedded =
        embeddedIfNeeded(ctx, stages.stream().anyMatch(j -> j instanceof PublishJob));
    try {
      SparkSession spark = Sessions.create("retail-lakehouse-" + command, ctx.settings());
      List<Job> jobs = new ArrayList<>();
      for (Job job : stages) {
        jobs.add(
            job instanceof PublishJob && embedded != null
                ? new PublishJob(embedded.postgres())
                : job);
      }
      long started = System.currentTimeMillis();
      for (Job job : jobs) {
        out.println(JobRunner.summaryLine(job.stage(), JobRunner.execute(job, spark, ctx)));
      }
      out.printf(
          "%s finished in %.1f s (run %s, logical date %s)%n",
          command, (System.currentTimeMillis() - started) / 1000.0, ctx.runId(), ctx.logicalDate());
      if (command.equals("run")) {
        String serving =
            embedded != null
                ? "embedded PostgreSQL, data in "
                    + EmbeddedDatabase.besideLake(ctx.settings().lakeRoot())
                    + ", schema "
                    + ctx.settings().postgres().schema()
                : ctx.settings().postgres().url()
                    + ", schema "
                    + ctx.settings().postgres().schema();
        out.print(RunSummary.render(spark, ctx.lake(), serving));
      }
      return 0;
    } finally {
      if (embedded != null) {
        embedded.close();
      }
      if (shop != null) {
        shop.close();
      }
    }
  }

  private int benchPublish(String[] args) {
    PublishBenchmark.Options o = parse(new PublishBenchmark.Options(), args, "bench-publish");
    if (printHelp(out, o, "bench-publish [--rows N] [--partitions P] [options]", o.help)) {
      return 0;
    }
    return PublishBenchmark.run(o, out);
  }

  /**
   * The embedded PostgreSQL beside the lake, started when the command publishes ({@code needed})
   * and no database is configured; null otherwise.
   */
  private static EmbeddedDatabase embeddedIfNeeded(JobContext ctx, boolean needed) {
    return needed && !ctx.settings().postgres().isConfigured()
        ? EmbeddedDatabase.start(EmbeddedDatabase.besideLake(ctx.settings().lakeRoot()))
        : null;
  }

  /** Options of {@code bin/pipeline forget}: the job options plus who to forget. */
  static final class ForgetOptions extends JobOptions {
    @Option(name = "--email", metaVar = "ADDRESS", usage = "email of the customer to forget")
    String email;

    @Option(
        name = "--customer-id",
        metaVar = "ID",
        usage = "shop customer id of the customer to forget")
    String customerId;
  }

  /** Erases one customer of the shop from the lake and the serving database. */
  private int forget(String[] args) {
    ForgetOptions o = parse(new ForgetOptions(), args, "forget");
    if (printHelp(out, o, "forget --email ADDRESS | --customer-id ID [options]", o.help)) {
      return 0;
    }
    ForgetCustomer.requireOne(o.email, o.customerId);
    if (o.date == null) {
      // An erasure computes no business figure: any logical date will do when none is configured.
      o.date =
          o.settings()
              .defaultDate()
              .orElse(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
    }
    JobContext ctx = o.context();
    EmbeddedDatabase embedded = embeddedIfNeeded(ctx, true);
    try {
      SparkSession spark = Sessions.create("retail-lakehouse-forget", ctx.settings());
      ForgetCustomer.Outcome outcome =
          ForgetCustomer.forget(
              spark, ctx, embedded != null ? embedded.postgres() : null, o.email, o.customerId);
      out.printf(
          "forgot customer %s: %,d orders removed (%s); files vacuumed past %d hours; recorded in"
              + " %s%n",
          String.join(",", outcome.customerKeys()),
          outcome.ordersRemoved(),
          outcome.rowsRemoved(),
          ctx.settings().piiErasureRetentionHours(),
          Tables.OPS_ERASURES);
      return 0;
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  /** Options of {@code bin/pipeline sql}. */
  static final class SqlOptions {
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

  private int sql(String[] args) {
    SqlOptions o = parse(new SqlOptions(), args, "sql");
    if (printHelp(out, o, "sql [options] \"SELECT ...\"", o.help)) {
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
    var settings = job.settings();
    File root = new File(settings.lakeRoot());
    if (!settings.lakeRoot().contains("://") && !root.isDirectory()) {
      throw new UserError(
          "no lake at " + settings.lakeRoot() + ": run bin/pipeline run first or pass --lake DIR");
    }
    SparkSession spark = Sessions.create("retail-lakehouse-sql", settings);
    new Lake(settings.lakeRoot()).register(spark);
    Dataset<Row> result;
    try {
      result = spark.sql(String.join(" ", o.query));
    } catch (Exception e) { // Spark's AnalysisException is a checked exception thrown from Scala
      throw new UserError("query failed: " + JobRunner.oneLine(e));
    }
    out.println(TablePrinter.format(result, o.format, o.limit));
    return 0;
  }

  /** Options of {@code bin/pipeline rules}. */
  static final class RulesOptions {
    @Option(
        name = "--baskets",
        metaVar = "FILE",
        required = true,
        usage = "one basket a line, items separated by commas (gzip is fine)")
    String baskets;

    @Option(
        name = "--min-support",
        metaVar = "S",
        required = true,
        usage = "minimum support, in (0, 1]")
    double minSupport;

    @Option(
        name = "--min-confidence",
        metaVar = "C",
        required = true,
        usage = "minimum confidence, in (0, 1]")
    double minConfidence;

    @Option(name = "--top", metaVar = "K", usage = "rules printed, by lift")
    int top = 10;

    @Option(
        name = "--out",
        metaVar = "DIR",
        usage = "write frequent_itemsets and association_rules as Delta tables here")
    String outDir;

    @Option(name = "--help", aliases = "-h", help = true, usage = "show this help")
    boolean help;
  }

  private int rules(String[] args) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      printHelp(
          out,
          new RulesOptions(),
          "rules --baskets FILE --min-support S --min-confidence C [--out DIR]",
          true);
      return 0;
    }
    RulesOptions o = parse(new RulesOptions(), args, "rules");
    if (!(o.minSupport > 0 && o.minSupport <= 1)
        || !(o.minConfidence > 0 && o.minConfidence <= 1)) {
      throw new UserError("--min-support and --min-confidence must be in (0, 1]");
    }
    if (!new File(o.baskets).isFile()) {
      throw new UserError("basket file not found: " + o.baskets);
    }
    JobOptions job = new JobOptions();
    SparkSession spark = Sessions.create("retail-lakehouse-rules", job.settings());
    Dataset<Row> baskets = readBaskets(spark, o.baskets).cache();
    BasketMining.Mined mined = BasketMining.mine(baskets, o.minSupport, o.minConfidence);
    Dataset<Row> itemsets = mined.itemsets().cache();
    Dataset<Row> rules = mined.rules().cache();
    out.printf(
        "%,d baskets, %,d frequent itemsets, %,d rules (min support %s, min confidence %s)%n",
        mined.baskets(), itemsets.count(), rules.count(), o.minSupport, o.minConfidence);
    out.println(
        TablePrinter.format(
            rules.orderBy(
                col("lift").desc(), col("confidence").desc(), col("antecedent"), col("consequent")),
            "table",
            o.top));
    if (o.outDir != null) {
      Lake lake = new Lake(o.outDir);
      String note = "rules from " + o.baskets;
      lake.replace(new TableId("rules", "frequent_itemsets"), itemsets, note);
      lake.replace(new TableId("rules", "association_rules"), rules, note);
      out.println(
          "written: "
              + o.outDir
              + "/rules/frequent_itemsets and "
              + o.outDir
              + "/rules/association_rules");
    }
    return 0;
  }

  /** Options of {@code bin/pipeline db}. */
  static final class DbOptions {
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

  /** Serves the embedded PostgreSQL of a local run until the process is stopped. */
  private int db(String[] args) {
    DbOptions o = parse(new DbOptions(), args, "db");
    if (printHelp(out, o, "db [--lake DIR] [--port PORT]", o.help)) {
      return 0;
    }
    JobOptions job = new JobOptions();
    job.lake = o.lake;
    java.nio.file.Path data = EmbeddedDatabase.besideLake(job.settings().lakeRoot());
    if (!java.nio.file.Files.isDirectory(data)) {
      throw new UserError("no local database at " + data + ": run bin/pipeline run first");
    }
    EmbeddedDatabase server = EmbeddedDatabase.start(data, o.port);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    int port = server.port();
    out.println("PostgreSQL over " + data + " is up; stop it with Ctrl-C");
    out.println("  JDBC:  jdbc:postgresql://localhost:" + port + "/postgres?user=postgres");
    out.println("  URL:   postgresql://postgres@localhost:" + port + "/postgres");
    out.println(
        "  try:   psql postgresql://postgres@localhost:"
            + port
            + "/postgres -c 'SELECT * FROM gold.customer_summary LIMIT 5'");
    out.flush();
    try {
      Thread.currentThread().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** A basket file: one basket a line, items separated by commas, blank items dropped. */
  static Dataset<Row> readBaskets(SparkSession spark, String file) {
    return spark
        .read()
        .text(file)
        .select(array_distinct(filter(split(col("value"), ","), s -> length(s).gt(0))).as("items"))
        .filter(size(col("items")).gt(0));
  }
}
