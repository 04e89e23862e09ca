package com.retail.lakehouse.common.cli;

import com.retail.lakehouse.common.RunFailure;
import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.audit.QualityLog;
import com.retail.lakehouse.common.audit.RunAudit;
import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.lake.StageLock;
import com.retail.lakehouse.common.quality.QualityFailure;
import com.retail.lakehouse.common.spark.CodeGeneration;
import com.retail.lakehouse.common.spark.Sessions;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.SparkSession;
import org.kohsuke.args4j.CmdLineException;
import org.kohsuke.args4j.CmdLineParser;

/**
 * Runs one job from its main method: parses and validates the arguments before Spark starts, builds
 * the session, runs the stage with its audit row, and turns failures into one line and a non-zero
 * exit code.
 */
public final class JobRunner {
  private static final Logger LOG = LogManager.getLogger(JobRunner.class);

  /** Exit code for bad arguments or configuration. */
  public static final int USAGE = 2;

  /** Exit code for a stage that failed while running. */
  public static final int FAILED = 1;

  private JobRunner() {}

  /** Entry point for a job's {@code main}: exits the JVM with the job's status. */
  public static void run(StageGraph graph, Job job, String[] args) {
    System.exit(run(graph, job, args, System.out, System.err));
  }

  /** Parses, validates, runs; returns the exit code. */
  public static int run(
      StageGraph graph, Job job, String[] args, PrintStream out, PrintStream err) {
    JobOptions options = new JobOptions();
    CmdLineParser parser = new CmdLineParser(options);
    JobContext ctx;
    try {
      parser.parseArgument(args);
      if (options.help) {
        out.println("usage: " + job.getClass().getName() + " [options]");
        parser.printUsage(out);
        return 0;
      }
      ctx = options.context();
      job.validate(ctx);
    } catch (CmdLineException | UserError e) {
      err.println("error: " + e.getMessage() + " (see --help)");
      return USAGE;
    }
    SparkSession spark = Sessions.create("retail-lakehouse-" + job.stage(), ctx.settings());
    // After the session: starting a SparkContext puts Spark's default logging back.
    JobLogging.applyShippedUnlessConfigured();
    try {
      StageResult result = execute(graph, job, spark, ctx);
      out.println(summaryLine(job.stage(), result));
      return 0;
    } catch (Exception e) { // also Spark's AnalysisException, checked but thrown from Scala
      err.println("error: " + job.stage() + " failed: " + oneLine(e));
      return e instanceof UserError ? USAGE : FAILED;
    }
  }

  /**
   * Runs a stage with its audit row, holding the stage's lock (one run of a stage at a time; a
   * holder found dead is recorded as failed), after checking that the tables it reads exist (naming
   * the stage to run first when one does not); a failure is recorded and then rethrown.
   */
  public static StageResult execute(StageGraph graph, Job job, SparkSession spark, JobContext ctx) {
    Instant started = Instant.now();
    StageLock lock = null;
    CodeGeneration.Scope interpreted = null;
    try {
      lock = lock(spark, ctx, job.stage());
      LOG.info(
          "stage {} starting (run {}, logical date {})",
          job.stage(),
          ctx.runId(),
          ctx.logicalDate());
      graph.requireInputs(spark, ctx.lake(), job.spec());
      long below = ctx.settings().interpretBelowBytes();
      interpreted = CodeGeneration.forStage(spark, ctx.lake(), job.spec().inputs(), below);
      if (interpreted != null) {
        LOG.info(
            "{}: queries interpreted, not compiled: every table it reads is under {} MB"
                + " (spark.interpret-below), the largest {} MB",
            job.stage(),
            String.format("%.1f", below / 1e6),
            String.format("%.1f", interpreted.largestInputBytes() / 1e6));
      }
      StageResult result = job.run(spark, ctx);
      Instant finished = Instant.now();
      QualityLog.record(spark, ctx, job.stage(), finished, result.checks(), result.stats());
      RunAudit.record(spark, ctx, job.stage(), started, finished, result, null);
      LOG.info(summaryLine(job.stage(), result));
      return result;
    } catch (Exception e) { // also Spark's AnalysisException, checked but thrown from Scala
      LOG.error("stage {} failed", job.stage(), e);
      try {
        if (e instanceof QualityFailure q) {
          QualityLog.record(spark, ctx, job.stage(), Instant.now(), q.checks(), List.of());
        }
        RunAudit.record(spark, ctx, job.stage(), started, Instant.now(), null, oneLine(e));
      } catch (Exception auditFailure) { // Spark throws checked exceptions from Scala
        LOG.error("could not record the failure in the audit", auditFailure);
      }
      throw e;
    } finally {
      if (interpreted != null) {
        interpreted.close();
      }
      if (lock != null) {
        lock.close();
      }
    }
  }

  /** Takes the stage's lock for this run; a dead holder found on the way goes in the audit. */
  private static StageLock lock(SparkSession spark, JobContext ctx, String stage) {
    Settings.Locks locks = ctx.settings().locks();
    return StageLock.acquire(
        spark.sparkContext().hadoopConfiguration(),
        ctx.lake().root(),
        StageLock.Holder.current(ctx.runId(), stage, ctx.logicalDate().toString()),
        locks.maxWait(),
        locks.staleAfter(),
        dead -> {
          try {
            RunAudit.recordKilled(spark, ctx, dead);
          } catch (Exception auditFailure) { // Spark throws checked exceptions from Scala
            LOG.error("could not record the dead run in the audit", auditFailure);
          }
        });
  }

  public static String summaryLine(String stage, StageResult r) {
    String warnings =
        r.warnings().stream().map(w -> "\n  warning: " + w).collect(Collectors.joining());
    if (r.upToDate()) {
      return stage + ": up to date, nothing written" + warnings;
    }
    return String.format(
            "%s: read %,d rows, wrote %,d (%,d flagged), quarantined %,d, duplicates removed %,d",
            stage,
            r.rowsRead(),
            r.rowsWritten(),
            r.rowsFlagged(),
            r.rowsQuarantined(),
            r.rowsDuplicate())
        + warnings;
  }

  /**
   * The message of the failure on one line: a {@link UserError}'s or {@link RunFailure}'s own (the
   * first one in the chain of causes), else the deepest cause's that has one.
   */
  public static String oneLine(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UserError || t instanceof RunFailure) {
        return firstLine(t.getMessage());
      }
    }
    Throwable deepest = e;
    String message = e.getMessage();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        deepest = t;
        message = t.getMessage();
      }
    }
    return message == null ? deepest.getClass().getSimpleName() : firstLine(message);
  }

  private static String firstLine(String message) {
    String first = message.strip();
    int newline = first.indexOf('\n');
    return newline < 0 ? first : first.substring(0, newline);
  }
}
