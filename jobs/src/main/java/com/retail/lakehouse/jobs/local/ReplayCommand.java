package com.retail.lakehouse.jobs.local;

import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.JobOptions;
import com.retail.lakehouse.common.cli.JobRunner;
import com.retail.lakehouse.common.spark.Sessions;
import com.retail.lakehouse.jobs.Stages;
import com.retail.lakehouse.jobs.silver.QuarantineReplay;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.kohsuke.args4j.Option;

/**
 * {@code bin/pipeline replay --table T [--rule R]}: quarantined rows that pass today's rules go to
 * silver (exactly once), then every stage downstream of that silver table runs.
 */
final class ReplayCommand implements Command {
  /** Options of {@code bin/pipeline replay}: the job options plus what to replay. */
  static final class Options extends JobOptions {
    @Option(
        name = "--table",
        metaVar = "SOURCE",
        required = true,
        usage = "the source whose quarantine to replay (transactions, products, ...)")
    String table;

    @Option(name = "--rule", metaVar = "RULE", usage = "only rows that failed this rule")
    String rule;
  }

  @Override
  public String name() {
    return "replay";
  }

  @Override
  public String summary() {
    return "re-check quarantined rows against today's rules; those that pass go to silver,\n"
        + "then the stages downstream run: --table SOURCE [--rule RULE]";
  }

  @Override
  public int run(String[] args, Console console) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      console.help(new Options(), "replay --table SOURCE [--rule RULE] [options]", true);
      return 0;
    }
    Options o = console.parse(new Options(), args, name());
    JobContext ctx = o.context();
    SparkSession spark = Sessions.create("retail-lakehouse-replay", ctx.settings());
    QuarantineReplay.Outcome outcome =
        QuarantineReplay.replay(spark, ctx, o.table, Optional.ofNullable(o.rule));
    console
        .out()
        .printf(
            "replay of quarantine.%s%s: %,d rows quarantined before, %,d replayed into %s, %,d"
                + " still quarantined%n",
            o.table,
            o.rule == null ? "" : " (rule " + o.rule + ")",
            outcome.before(),
            outcome.replayed(),
            outcome.silver(),
            outcome.stillQuarantined());
    if (outcome.replayed() == 0) {
      return 0;
    }
    List<Job> downstream = Stages.GRAPH.downstreamOf(outcome.silver());
    try (LocalServices services = LocalServices.start(o, downstream, console)) {
      for (Job job : downstream) {
        console
            .out()
            .println(
                JobRunner.summaryLine(job.stage(), Stages.execute(job, spark, services.context())));
      }
    }
    return 0;
  }
}
