package com.retail.lakehouse.jobs.local.bench;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.JobOptions;
import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.publish.EmbeddedDatabase;
import com.retail.lakehouse.jobs.local.Command;
import com.retail.lakehouse.jobs.local.Console;
import com.retail.lakehouse.jobs.local.bench.BenchReport.Figure;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kohsuke.args4j.Option;

/**
 * {@code bin/pipeline bench} (run through {@code bin/bench}, which installs what it needs): the
 * pipeline against what a user would pick instead, on the same landing files. The files' last day
 * is held back: a backfill on a fresh lake takes every other day, then the last day is added and
 * the pipeline runs again ("one more day"). After each run, DuckDB computes the customer summary
 * and the product performance from the same CSV files, pandas and mlxtend mine the same baskets,
 * and the results are compared with what the pipeline served in PostgreSQL; after the backfill,
 * psql COPYs the rows of every published table into tables like the served ones. Any disagreement
 * stops the bench with the first difference and no time is printed; otherwise it prints the figures
 * and writes them as CSV (and the Markdown table beside it).
 */
public final class BenchCommand implements Command {
  /** Options of {@code bin/pipeline bench}. */
  static final class Options {
    @Option(
        name = "--data",
        metaVar = "DIR",
        required = true,
        usage = "landing directory with one transactions_YYYY-MM-DD.csv[.gz] file per day")
    File data;

    @Option(name = "--python", metaVar = "FILE", required = true, usage = "python with mlxtend")
    File python;

    @Option(
        name = "--out",
        metaVar = "FILE",
        usage = "CSV of the figures (default bench/results/<dataset>-<time>.csv)")
    File out;

    @Option(name = "--work", metaVar = "DIR", usage = "scratch directory (default: a new one)")
    File work;

    @Option(name = "--keep", usage = "keep the scratch directory (lake, database, outputs, logs)")
    boolean keep;

    @Option(name = "--help", aliases = "-h", help = true, usage = "show this help")
    boolean help;
  }

  static final String BACKFILL = "backfill";
  static final String ONE_MORE_DAY = "one_more_day";
  static final List<String> CUSTOMER_COLUMNS =
      List.of("household_id", "baskets", "items", "total_spend", "first_purchase", "last_purchase");
  static final List<String> PRODUCT_COLUMNS =
      List.of("product_id", "baskets", "households", "quantity", "revenue");
  private static final Pattern DAY_FILE =
      Pattern.compile("transactions_(\\d{4}-\\d{2}-\\d{2})\\.csv(\\.gz)?");
  private static final Pattern STAGE_LINE =
      Pattern.compile("^(\\w+): (?:read ([\\d,]+) rows.*|up to date.*) \\[(\\d+\\.\\d) s\\]$");
  private static final String COPY_SCHEMA = "bench_psql_copy";

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "the pipeline against DuckDB, pandas+mlxtend and psql COPY on the same files\n"
        + "(run it as bin/bench --data DIR, which installs what it needs)";
  }

  @Override
  public int run(String[] args, Console console) throws Exception {
    Options o = console.parse(new Options(), args, name());
    if (console.help(
        o, "bench --data DIR --python FILE [--out FILE] [--work DIR] [--keep]", o.help)) {
      return 0;
    }
    Path home = Path.of(System.getenv().getOrDefault("LAKEHOUSE_HOME", ".")).toAbsolutePath();
    Plan plan = Plan.of(o, home);
    Settings settings = new JobOptions().settings();
    PrintStream out = console.out();
    out.printf(
        "bench: %s, %d days (backfill to %s, then %s), scratch %s%n",
        plan.data(), plan.days().size(), plan.backfillDate(), plan.lastDay(), plan.work());
    BenchReport report =
        new BenchReport(
            LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")),
            plan.data().getFileName().toString(),
            Runtime.getRuntime().availableProcessors(),
            totalMemoryGib());
    Runner runner = new Runner(plan, settings, report, out);
    try {
      runner.step(BACKFILL, plan.backfillDate(), true);
      Files.createSymbolicLink(
          plan.landing().resolve(plan.lastDayFile().getFileName()), plan.lastDayFile());
      runner.step(ONE_MORE_DAY, plan.lastDay(), false);
    } catch (Disagreement e) {
      console.err().println("error: the results differ, no time is printed: " + e.getMessage());
      console.err().println("(outputs kept in " + plan.work() + ")");
      return 1;
    }
    out.println();
    out.print(report.markdown());
    report.write(plan.out());
    out.println("\nfigures written to " + plan.out() + " (and the table beside it, .md)");
    if (!plan.keep()) {
      deleteTree(plan.work());
    }
    return 0;
  }

  /** The inputs, checked before anything runs. */
  record Plan(
      Path home,
      Path data,
      List<Path> days,
      Path python,
      Path work,
      Path landing,
      Path out,
      boolean keep) {
    static Plan of(Options o, Path home) throws IOException {
      Path data = o.data.toPath().toAbsolutePath();
      if (!Files.isDirectory(data)) {
        throw new UserError("--data " + data + " is not a directory");
      }
      List<Path> days;
      try (var files = Files.list(data)) {
        days =
            files
                .filter(f -> DAY_FILE.matcher(f.getFileName().toString()).matches())
                .sorted(Comparator.comparing(f -> f.getFileName().toString()))
                .toList();
      }
      if (days.size() < 2) {
        throw new UserError(
            "--data "
                + data
                + " needs two or more daily files transactions_YYYY-MM-DD.csv[.gz] (found "
                + days.size()
                + "); bin/pipeline generate writes them");
      }
      if (!o.python.canExecute()) {
        throw new UserError("--python " + o.python + " is not an executable");
      }
      for (String tool : List.of("/usr/bin/time", "psql")) {
        if (which(tool).isEmpty()) {
          throw new UserError(tool + " not found (bin/bench installs it)");
        }
      }
      Path work =
          o.work != null
              ? Files.createDirectories(o.work.toPath().toAbsolutePath())
              : Files.createTempDirectory("bench-");
      try (var entries = Files.list(work)) {
        if (entries.findAny().isPresent()) {
          throw new UserError("--work " + work + " is not empty");
        }
      }
      Path landing = Files.createDirectories(work.resolve("landing"));
      Path lastDay = days.get(days.size() - 1);
      try (var files = Files.list(data)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          if (!f.equals(lastDay) && !f.getFileName().toString().equals("READY")) {
            Files.createSymbolicLink(landing.resolve(f.getFileName()), f);
          }
        }
      }
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmm"));
      Path out =
          o.out != null
              ? o.out.toPath().toAbsolutePath()
              : home.resolve("bench/results/" + data.getFileName() + "-" + stamp + ".csv");
      return new Plan(home, data, days, o.python.toPath(), work, landing, out, o.keep);
    }

    Path lastDayFile() {
      return days.get(days.size() - 1);
    }

    LocalDate lastDay() {
      return day(lastDayFile());
    }

    LocalDate backfillDate() {
      return day(days.get(days.size() - 2));
    }

    private static LocalDate day(Path file) {
      Matcher m = DAY_FILE.matcher(file.getFileName().toString());
      m.matches();
      return LocalDate.parse(m.group(1));
    }
  }

  /** A result that differs between the pipeline and another tool. */
  static final class Disagreement extends Exception {
    Disagreement(String message) {
      super(message);
    }
  }

  /** Runs the tools for one step and records their figures. */
  private static final class Runner {
    private final Plan plan;
    private final Settings settings;
    private final BenchReport report;
    private final PrintStream out;
    private long linesBefore;
    // The logical date and run of the pipeline's last mining: the runs in between reuse its rules.
    private LocalDate minedFor;
    private String minedRunId;

    Runner(Plan plan, Settings settings, BenchReport report, PrintStream out) {
      this.plan = plan;
      this.settings = settings;
      this.report = report;
      this.out = out;
    }

    void step(String step, LocalDate date, boolean publishToo) throws Exception {
      String runId = "bench-" + step;
      Path dir = Files.createDirectories(plan.work().resolve(step));
      Path events = Files.createDirectories(dir.resolve("events"));
      out.printf("%n== %s: logical date %s%n", step, date);

      Measured pipeline =
          measure(
              "pipeline",
              List.of(
                  plan.home().resolve("bin/pipeline").toString(),
                  "run",
                  "--sources",
                  plan.landing().toString(),
                  "--lake",
                  lake().toString(),
                  "--date",
                  date.toString(),
                  "--run-id",
                  runId,
                  "--set",
                  "spark.conf.\"spark.eventLog.enabled\"=true",
                  "--set",
                  "spark.conf.\"spark.eventLog.compress\"=false",
                  "--set",
                  "spark.conf.\"spark.eventLog.dir\"=" + events.toUri()),
              dir);
      Map<String, long[]> stages = stageTimes(pipeline.output());
      whereTimeGoes(events, dir);

      Path duck = dir.resolve("duckdb");
      Measured duckdb =
          measure(
              "duckdb",
              List.of(
                  javaCommand(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  DuckDbSummaries.class.getName(),
                  plan.landing().toString(),
                  date.toString(),
                  duck.toString()),
              dir);
      Properties duckStats = properties(duck.resolve("duckdb.properties"));

      Path mined = Files.createDirectories(dir.resolve("mlxtend"));
      Settings.Recommendations r = settings.recommendations();
      boolean mines = minedFor == null || !date.isBefore(minedFor.plusDays(r.mineEveryDays()));
      if (mines) {
        minedFor = date;
        minedRunId = runId;
      }
      Settings.Mining m = r.mining();
      Measured mlxtend =
          measure(
              "mlxtend",
              List.of(
                  plan.python().toString(),
                  plan.home().resolve("bench/mine_baskets.py").toString(),
                  "--lines=" + duck.resolve("basket_lines.parquet"),
                  "--products=" + duck.resolve("products.parquet"),
                  "--level=" + r.itemLevel(),
                  "--cutoff=" + minedFor.minusDays(r.holdoutDays()),
                  "--min-support=" + m.minSupport(),
                  "--min-confidence=" + m.minConfidence(),
                  "--min-lift=" + m.minLift(),
                  "--max-antecedent-size=" + m.maxAntecedentSize(),
                  "--max-rules-per-antecedent=" + m.maxRulesPerAntecedent(),
                  "--max-rules=" + m.maxRules(),
                  "--max-basket-size=" + m.maxBasketSize(),
                  "--out=" + mined),
              dir);
      Properties mining = properties(mined.resolve("mlxtend.properties"));

      long linesRead = Long.parseLong(duckStats.getProperty("lines_read"));
      long stepLines = linesRead - linesBefore;
      linesBefore = linesRead;
      String schema = settings.postgres().schema();
      try (EmbeddedDatabase db =
              EmbeddedDatabase.start(EmbeddedDatabase.besideLake(lake().toString()));
          Connection c = db.postgres().connect()) {
        Served served = new Served(c, schema);
        check(agreement(served, duck, dir, runId, mining, mined));
        out.println("results agree: customer summary, product performance, itemsets, rules");

        Figure gold =
            report.add(
                stageSum(step, stages, List.of("bronze", "silver", "gold"), stepLines, pipeline));
        Figure whole =
            report.add(
                figure(
                    step,
                    "pipeline",
                    "bin/pipeline run (JVM start, every stage, summary)",
                    pipeline.wallMs(),
                    stepLines,
                    "lines",
                    pipeline.peakRssKb(),
                    pipeline));
        Figure duckFigure =
            report.add(
                figure(
                    step,
                    "duckdb",
                    "both summaries from the CSV files (JVM start and load included)",
                    Long.parseLong(duckStats.getProperty("wall_ms")),
                    linesRead,
                    "lines",
                    duckdb.peakRssKb(),
                    duckdb));
        report.compare(step, "customer summary + product performance", gold, duckFigure);
        report.compare(step, "the same, command to result", whole, duckFigure);

        long baskets = Long.parseLong(mining.getProperty("baskets"));
        Figure recs = stage(step, stages, "recommendations", baskets, "baskets", pipeline);
        if (!mines) {
          recs =
              new Figure(
                  step,
                  "pipeline",
                  "%s (scoring only: the rules of %s reused, mined every %d days)"
                      .formatted(recs.task(), minedFor, r.mineEveryDays()),
                  recs.wallMs(),
                  baskets,
                  "baskets",
                  -1,
                  recs.loadBefore(),
                  recs.loadAfter());
        }
        report.add(recs);
        Figure py =
            report.add(
                figure(
                    step,
                    "mlxtend",
                    "pandas + mlxtend fpgrowth and association_rules (process)",
                    mlxtend.wallMs(),
                    baskets,
                    "baskets",
                    mlxtend.peakRssKb(),
                    mlxtend));
        report.compare(step, "FP-Growth itemsets and rules", recs, py);

        for (Map.Entry<String, long[]> e : stages.entrySet()) {
          report.add(
              figure(
                  step,
                  "pipeline",
                  BenchReport.RUNNER_STAGE + e.getKey(),
                  e.getValue()[1],
                  e.getValue()[0],
                  "rows",
                  -1,
                  pipeline));
        }
        if (publishToo) {
          String url = "postgresql://postgres@localhost:%d/postgres".formatted(db.port());
          publish(step, served, url, runId, stages, pipeline, dir);
        }
      }
    }

    /** The first difference between the pipeline's served results and the other tools'. */
    private Optional<String> agreement(
        Served served, Path duck, Path dir, String runId, Properties mining, Path mined)
        throws Exception {
      for (var table :
          List.of(
              Map.entry("customer_summary", CUSTOMER_COLUMNS),
              Map.entry("product_performance", PRODUCT_COLUMNS))) {
        Path pipelineCsv = dir.resolve("pipeline-" + table.getKey() + ".csv");
        served.export(table.getKey(), table.getValue(), pipelineCsv);
        Optional<String> d =
            Agreement.firstDifference(
                table.getKey(),
                table.getValue(),
                new Agreement.Side("pipeline", Agreement.csvRows(pipelineCsv, table.getValue())),
                new Agreement.Side(
                    "duckdb",
                    Agreement.csvRows(duck.resolve(table.getKey() + ".csv"), table.getValue())));
        if (d.isPresent()) {
          return d;
        }
      }
      Optional<String> baskets =
          Agreement.countDifference(
              "baskets mined",
              served.stageRowsRead(minedRunId, "recommendations"),
              "pipeline",
              Long.parseLong(mining.getProperty("baskets")),
              "mlxtend");
      if (baskets.isPresent()) {
        return baskets;
      }
      List<String> pipelineSets = served.itemsets();
      List<String> mlxtendSets = Files.readAllLines(mined.resolve("itemsets.csv"));
      // both sorted the same way: Python sorted (items, freq) pairs, which puts "A|B,5" before
      // "A|B C,7" where a sort of the lines does not
      mlxtendSets = new ArrayList<>(mlxtendSets.subList(1, mlxtendSets.size()));
      mlxtendSets.sort(null);
      for (int i = 0; i < Math.min(pipelineSets.size(), mlxtendSets.size()); i++) {
        if (!pipelineSets.get(i).equals(mlxtendSets.get(i))) {
          return Optional.of(
              "frequent itemsets (items,freq): pipeline %s, mlxtend %s"
                  .formatted(pipelineSets.get(i), mlxtendSets.get(i)));
        }
      }
      Optional<String> itemsets =
          Agreement.countDifference(
              "frequent itemsets",
              pipelineSets.size(),
              "pipeline",
              Long.parseLong(mining.getProperty("itemsets")),
              "mlxtend");
      if (itemsets.isPresent()) {
        return itemsets;
      }
      return Agreement.countDifference(
          "association rules",
          served.count("association_rules"),
          "pipeline",
          Long.parseLong(mining.getProperty("rules")),
          "mlxtend");
    }

    /** Every table the run published, loaded again by psql's COPY into a table like it. */
    private void publish(
        String step,
        Served served,
        String url,
        String runId,
        Map<String, long[]> stages,
        Measured pipeline,
        Path dir)
        throws Exception {
      List<Served.Published> tables = served.published(runId);
      long rows = tables.stream().mapToLong(Served.Published::rows).sum();
      long wall = 0;
      long peak = 0;
      double loadBefore = Measured.loadAverage();
      for (Served.Published t : tables) {
        Path csv = dir.resolve("copy-" + t.table() + ".csv");
        served.copyOut(t.table(), csv);
        Path script = dir.resolve("copy-" + t.table() + ".sql");
        Files.writeString(script, served.copyScript(COPY_SCHEMA, t.table(), csv));
        Measured m =
            Measured.run(
                "psql " + t.table(),
                List.of("psql", "-X", "-q", url, "-f", script.toString()),
                dir,
                Map.of(),
                dir.resolve("psql-" + t.table() + ".log"));
        check(served.copyDifference(COPY_SCHEMA, t.table()));
        wall += m.wallMs();
        peak = Math.max(peak, m.peakRssKb());
        report.add(
            figure(
                step, "psql", "COPY " + t.table(), m.wallMs(), t.rows(), "rows", m.peakRssKb(), m));
        report.add(
            new Figure(
                step,
                "pipeline",
                "publish " + t.table(),
                t.durationMs(),
                t.rows(),
                "rows",
                -1,
                m.loadBefore(),
                m.loadAfter()));
      }
      served.drop(COPY_SCHEMA);
      out.printf("psql's COPY of the %d published tables holds the same rows%n", tables.size());
      Figure stage = report.add(stage(step, stages, "publish", rows, "rows", pipeline));
      Figure psql =
          report.add(
              new Figure(
                  step,
                  "psql",
                  "\\copy of every published table into a table like it (sum of runs)",
                  wall,
                  rows,
                  "rows",
                  peak,
                  loadBefore,
                  Measured.loadAverage()));
      report.compare(step, "publish " + tables.size() + " tables", stage, psql);
    }

    /**
     * bench/eventlog_report.py on the run's Spark event log and log, into where-time-goes.txt
     * beside them (not timed; a report that fails is said and skipped: it is not a result).
     */
    private void whereTimeGoes(Path events, Path dir) throws IOException, InterruptedException {
      Path report = dir.resolve("where-time-goes.txt");
      try (var logs = Files.list(events)) {
        Optional<Path> log = logs.findFirst();
        if (log.isEmpty()) {
          out.println("  (no Spark event log written)");
          return;
        }
        int exit =
            new ProcessBuilder(
                    plan.python().toString(),
                    plan.home().resolve("bench/eventlog_report.py").toString(),
                    log.get().toString(),
                    dir.resolve("pipeline.log").toString())
                .redirectErrorStream(true)
                .redirectOutput(report.toFile())
                .start()
                .waitFor();
        out.printf(
            "  where the time went: %s%s%n", report, exit == 0 ? "" : " (the report failed)");
      }
    }

    private Measured measure(String tool, List<String> command, Path dir) {
      out.printf("  %-9s ... ", tool);
      out.flush();
      Measured m = Measured.run(tool, command, plan.home(), Map.of(), dir.resolve(tool + ".log"));
      out.printf(
          "%.1f s (load %.1f -> %.1f)%n", m.wallMs() / 1000.0, m.loadBefore(), m.loadAfter());
      return m;
    }

    private Path lake() {
      return plan.work().resolve("lake");
    }

    private static void check(Optional<String> difference) throws Disagreement {
      if (difference.isPresent()) {
        throw new Disagreement(difference.get());
      }
    }

    private static Figure figure(
        String step,
        String tool,
        String task,
        long wallMs,
        long rows,
        String unit,
        long peakRssKb,
        Measured m) {
      return new Figure(
          step, tool, task, wallMs, rows, unit, peakRssKb, m.loadBefore(), m.loadAfter());
    }

    private static Figure stage(
        String step,
        Map<String, long[]> stages,
        String name,
        long rows,
        String unit,
        Measured pipeline) {
      long[] s = stages.getOrDefault(name, new long[] {0, 0});
      return figure(step, "pipeline", "stage " + name, s[1], rows, unit, -1, pipeline);
    }

    private static Figure stageSum(
        String step, Map<String, long[]> stages, List<String> names, long lines, Measured p) {
      long ms = names.stream().mapToLong(n -> stages.getOrDefault(n, new long[2])[1]).sum();
      return figure(
          step, "pipeline", "stages " + String.join("+", names), ms, lines, "lines", -1, p);
    }
  }

  /** Per stage, from the runner's output: {rows read, milliseconds}, in run order. */
  public static Map<String, long[]> stageTimes(String runnerOutput) {
    Map<String, long[]> stages = new LinkedHashMap<>();
    for (String line : runnerOutput.lines().toList()) {
      Matcher m = STAGE_LINE.matcher(line.trim());
      if (m.matches()) {
        long rows = m.group(2) == null ? 0 : Long.parseLong(m.group(2).replace(",", ""));
        long ms = Math.round(Double.parseDouble(m.group(3)) * 1000);
        stages.put(m.group(1), new long[] {rows, ms});
      }
    }
    return stages;
  }

  private static String javaCommand() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  private static Optional<Path> which(String tool) {
    if (tool.contains("/")) {
      return Files.isExecutable(Path.of(tool)) ? Optional.of(Path.of(tool)) : Optional.empty();
    }
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(d -> Path.of(d, tool))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private static Properties properties(Path file) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    return p;
  }

  private static double totalMemoryGib() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getTotalMemorySize() / (1024.0 * 1024 * 1024)
        : Double.NaN;
  }

  private static void deleteTree(Path root) throws IOException {
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
