package com.retail.lakehouse.common.cli;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.config.ConfigLoader;
import com.retail.lakehouse.common.config.Settings;
import java.io.File;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.kohsuke.args4j.Option;

/** The options every job and the local runner accept. */
public class JobOptions {
  @Option(name = "--env", metaVar = "NAME", usage = "configuration environment: local or cluster")
  public String env = "local";

  @Option(name = "--config", metaVar = "FILE", usage = "extra HOCON file over the environment's")
  public File configFile;

  @Option(name = "--date", metaVar = "YYYY-MM-DD", usage = "logical date of the run")
  public String date;

  @Option(name = "--run-id", metaVar = "ID", usage = "run identifier recorded in the audit")
  public String runId;

  @Option(name = "--lake", metaVar = "DIR", usage = "lake root (overrides lake.root)")
  public String lake;

  @Option(name = "--sources", metaVar = "DIR", usage = "sources root (overrides sources.root)")
  public String sources;

  @Option(name = "--jdbc-url", metaVar = "URL", usage = "PostgreSQL URL (overrides postgres.url)")
  public String jdbcUrl;

  @Option(
      name = "--orders-api",
      metaVar = "URL",
      usage = "base URL of the shop's orders API (overrides orders-api.url)")
  public String ordersApi;

  @Option(name = "--set", metaVar = "KEY=VALUE", usage = "override any configuration key")
  public List<String> overrides = new ArrayList<>();

  @Option(
      name = "--full-refresh",
      aliases = "--force",
      usage =
          "rebuild the stage's tables from the whole of its inputs instead of only what is new"
              + " (gives the same tables)")
  public boolean force;

  @Option(name = "--help", aliases = "-h", help = true, usage = "show this help")
  public boolean help;

  /** Loads and validates the configuration with the command-line overrides applied. */
  public Settings settings() {
    List<String> all = new ArrayList<>();
    addIfGiven(all, "lake.root", lake);
    addIfGiven(all, "sources.root", sources);
    addIfGiven(all, "postgres.url", jdbcUrl);
    addIfGiven(all, "orders-api.url", ordersApi);
    all.addAll(overrides);
    return ConfigLoader.load(env, configFile, all);
  }

  /** A blank value (as an orchestrator's unset variable renders) keeps the configured one. */
  private static void addIfGiven(List<String> overrides, String key, String value) {
    if (value != null && !value.isBlank()) {
      overrides.add(key + "=" + value);
    }
  }

  /** The logical date: --date, else the environment's default date, else an error. */
  public LocalDate logicalDate(Settings settings) {
    String value = date != null ? date : settings.defaultDate().orElse(null);
    if (value == null) {
      throw new UserError(
          "--date YYYY-MM-DD is required in the " + settings.env() + " environment");
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new UserError("--date must be YYYY-MM-DD (got '" + value + "')");
    }
  }

  public String runId(LocalDate logicalDate) {
    return runId != null
        ? runId
        : "manual__" + logicalDate + "__" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Validates everything before Spark starts and returns the job's context. */
  public JobContext context() {
    Settings settings = settings();
    LocalDate logicalDate = logicalDate(settings);
    return JobContext.of(settings, logicalDate, runId(logicalDate), force);
  }
}
