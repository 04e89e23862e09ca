package com.retail.lakehouse.jobs.local;

import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.JobOptions;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.spark.Sessions;
import com.retail.lakehouse.jobs.RecommendationsJob;
import com.retail.lakehouse.jobs.Stages;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bin/pipeline bench-recommendations}: times the recommendations stage on a lake that has
 * silver, as the DAG runs it: the weekly run (mining, gate, scoring; {@code --force}) on the
 * logical date, then the daily run of the next day (the stored rules reused: gate and scoring).
 * Prints seconds per phase, rows, the JVM's CPU time and peak heap (driver and, locally,
 * executors).
 */
final class BenchRecommendationsCommand implements Command {
  @Override
  public String name() {
    return "bench-recommendations";
  }

  @Override
  public String summary() {
    return "time the recommendations stage (weekly mining run, then a daily run):\n"
        + "--lake DIR [--date D] [--set recommendations.KEY=VALUE]";
  }

  @Override
  public int run(String[] args, Console console) {
    JobOptions options = console.parse(new JobOptions(), args, name());
    if (console.help(options, name() + " --lake DIR [--date D] [options]", options.help)) {
      return 0;
    }
    options.force = true;
    JobContext weekly = options.context();
    options.force = false;
    options.date = weekly.logicalDate().plusDays(1).toString();
    options.runId = null;
    JobContext daily = options.context();
    SparkSession spark = Sessions.create("retail-lakehouse-" + name(), weekly.settings());
    weekly.lake().requireTables(spark, java.util.List.of(Tables.SILVER_TRANSACTIONS), "silver");
    PrintStream out = console.out();
    out.printf(
        "lake %s: %,d transaction lines, %,d households; %s%n",
        weekly.lake().root(),
        weekly.lake().read(spark, Tables.SILVER_TRANSACTIONS).count(),
        weekly
            .lake()
            .read(spark, Tables.SILVER_TRANSACTIONS)
            .select("household_id")
            .distinct()
            .count(),
        weekly.settings().recommendations());
    time(spark, weekly, "weekly run (mine + gate + score)", out);
    time(spark, daily, "daily run (rules reused: gate + score)", out);
    return 0;
  }

  /** CPU time of this JVM, all threads: on a shared machine a steadier figure than seconds. */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void time(SparkSession spark, JobContext ctx, String what, PrintStream out) {
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    long started = System.nanoTime();
    long cpuStarted = cpuNanos();
    StageResult r = Stages.execute(new RecommendationsJob(), spark, ctx);
    double seconds = (System.nanoTime() - started) / 1e9;
    double cpu = (cpuNanos() - cpuStarted) / 1e9;
    long peak =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .mapToLong(p -> p.getPeakUsage().getUsed())
            .sum();
    out.printf(
        "%s, logical date %s: %.1f s, peak heap %,d MiB (max %,d MiB)%n",
        what, ctx.logicalDate(), seconds, peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
    Map<String, Long> details = new TreeMap<>(r.details());
    details.forEach(
        (k, v) ->
            out.printf(
                "  %-36s %,14d%s%n",
                k, v, k.endsWith(".ms") ? String.format("  (%.1f s)", v / 1e3) : ""));
    r.warnings().forEach(w -> out.println("  warning: " + w));
  }
}
