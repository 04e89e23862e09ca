package com.retail.lakehouse.jobs.local;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.JobOptions;
import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.quality.Expectation;
import com.retail.lakehouse.common.spark.Sessions;
import com.retail.lakehouse.jobs.silver.QualityRules;
import java.io.File;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.kohsuke.args4j.Option;

/**
 * {@code bin/pipeline quality}: the data-quality report of a run (worst first), or with {@code
 * --rules} every rule of every table with the severity and threshold the configuration gives it.
 */
final class QualityCommand implements Command {
  /** Options of {@code bin/pipeline quality}: {@code --run-id} names the run to report. */
  static final class Options extends JobOptions {
    @Option(name = "--rules", usage = "list every rule with its severity and threshold")
    boolean rules;
  }

  @Override
  public String name() {
    return "quality";
  }

  @Override
  public String summary() {
    return "the data-quality report of a run, worst first: [--run-id ID] [--rules]";
  }

  @Override
  public int run(String[] args, Console console) {
    Options o = console.parse(new Options(), args, name());
    if (console.help(o, "quality [--run-id ID] [--rules] [--lake DIR] [options]", o.help)) {
      return 0;
    }
    Settings settings = o.settings();
    QualityRules.validate(settings);
    if (o.rules) {
      console.out().print(rulesTable(settings));
      return 0;
    }
    if (!settings.lakeRoot().contains("://") && !new File(settings.lakeRoot()).isDirectory()) {
      throw new UserError("no lake at " + settings.lakeRoot() + ": run bin/pipeline run first");
    }
    SparkSession spark = Sessions.create("retail-lakehouse-quality", settings);
    var checks =
        QualityReport.checks(spark, new Lake(settings.lakeRoot()), Optional.ofNullable(o.runId));
    if (checks.isEmpty()) {
      throw new UserError(
          "no quality checks recorded"
              + (o.runId == null ? "" : " for run " + o.runId)
              + " in "
              + settings.lakeRoot());
    }
    console.out().print(QualityReport.render(checks));
    console.out().println(QualityReport.verdict(checks));
    return 0;
  }

  /** Every rule: table, rule, severity, threshold, as a Markdown table (the README's). */
  static String rulesTable(Settings settings) {
    StringBuilder out = new StringBuilder("| table | rule | severity | max failed share |\n");
    out.append("|---|---|---|---|\n");
    for (Expectation e : QualityRules.effective(settings)) {
      out.append(
          String.format(
              "| %s | `%s` | %s | %s |%n",
              e.table(),
              e.rule(),
              e.severity().label(),
              e.maxFailedShare() >= 1 ? "-" : String.format("%.0f%%", 100 * e.maxFailedShare())));
    }
    return out.toString();
  }
}
