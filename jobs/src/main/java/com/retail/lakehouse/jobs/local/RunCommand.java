package com.retail.lakehouse.jobs.local;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.JobOptions;
import com.retail.lakehouse.common.cli.JobRunner;
import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.spark.Sessions;
import com.retail.lakehouse.jobs.MaintainJob;
import com.retail.lakehouse.jobs.Stages;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import org.kohsuke.args4j.Option;

/**
 * {@code bin/pipeline run} (every stage, in the registry's order, then the run summary) and {@code
 * bin/pipeline <stage>} (one stage): in one JVM and one Spark session, with what the stages need
 * started locally.
 */
final class RunCommand implements Command {
  /** The stage options, and for {@code run} where to start. */
  static final class RunOptions extends JobOptions {
    @Option(
        name = "--from",
        metaVar = "STAGE",
        usage = "run: start at this stage (the ones before it are taken as done)")
    String from;
  }

  private final String name;
  private final String summary;
  private final Function<Console, List<Job>> jobs;

  private RunCommand(String name, String summary, List<Job> stages) {
    this(name, summary, console -> stages);
  }

  private RunCommand(String name, String summary, Function<Console, List<Job>> jobs) {
    this.name = name;
    this.summary = summary;
    this.jobs = jobs;
  }

  static RunCommand all() {
    return new RunCommand(
        "run",
        "every stage: "
            + String.join(", ", Stages.GRAPH.names())
            + "\n(locally, with no --orders-api, against a simulated shop API)",
        Stages.GRAPH.stages());
  }

  static RunCommand stage(Job job) {
    return new RunCommand(job.stage(), "one stage: " + job.spec().description(), List.of(job));
  }

  /** {@code bin/pipeline maintain}: the weekly maintenance, its report on standard output. */
  static RunCommand maintain() {
    return new RunCommand(
        "maintain",
        "compact (Z-order) and vacuum every table; prints files, size, versions",
        console -> List.of(new MaintainJob(console.out()::println)));
  }

  /** What ends a stage's line: its time, as bin/bench reads it. */
  static String stageTime(long nanos) {
    return String.format(java.util.Locale.ROOT, " [%.1f s]", nanos / 1e9);
  }

  /** A stage's summary with its time at the end of its first line (its warnings follow). */
  static String withTime(String summary, long nanos) {
    int end = summary.indexOf('\n');
    return end < 0
        ? summary + stageTime(nanos)
        : summary.substring(0, end) + stageTime(nanos) + summary.substring(end);
  }

  /**
   * Starts the Spark session on a thread of its own, while the local services (the embedded
   * PostgreSQL, the simulated shop API) start on this one: a second or two less before the first
   * stage.
   */
  private static CompletableFuture<SparkSession> sessionInBackground(
      String app, Settings settings) {
    CompletableFuture<SparkSession> session = new CompletableFuture<>();
    Thread starter =
        new Thread(
            () -> {
              try {
                session.complete(Sessions.create(app, settings));
              } catch (Throwable e) { // handed to the thread that waits for the session
                session.completeExceptionally(e);
              }
            },
            "spark-session-start");
    starter.setDaemon(true);
    starter.start();
    return session;
  }

  /** The session once started, made this thread's active one; its failure as thrown. */
  private static SparkSession joined(CompletableFuture<SparkSession> session) {
    try {
      SparkSession spark = session.join();
      SparkSession.setActiveSession(spark);
      return spark;
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String summary() {
    return summary;
  }

  @Override
  public int run(String[] args, Console console) {
    RunOptions options = console.parse(new RunOptions(), args, name);
    if (console.help(options, name + " [options]", options.help)) {
      return 0;
    }
    List<Job> stages = jobs.apply(console);
    if (options.from != null) {
      if (!name.equals("run")) {
        throw new UserError("--from is an option of run only");
      }
      stages = Stages.GRAPH.from(options.from);
    }
    CompletableFuture<SparkSession> session =
        sessionInBackground("retail-lakehouse-" + name, options.context().settings());
    try (LocalServices services = LocalServices.start(options, stages, console)) {
      JobContext ctx = services.context();
      SparkSession spark = joined(session);
      long started = System.currentTimeMillis();
      for (Job job : stages) {
        long stageStarted = System.nanoTime();
        String line = JobRunner.summaryLine(job.stage(), Stages.execute(job, spark, ctx));
        console.out().println(withTime(line, System.nanoTime() - stageStarted));
      }
      console
          .out()
          .printf(
              "%s finished in %.1f s (run %s, logical date %s)%n",
              name,
              (System.currentTimeMillis() - started) / 1000.0,
              ctx.runId(),
              ctx.logicalDate());
      if (stages.size() > 1) {
        console.out().print(RunSummary.render(spark, ctx.lake(), services.serving(), ctx.runId()));
      }
      return 0;
    }
  }
}
