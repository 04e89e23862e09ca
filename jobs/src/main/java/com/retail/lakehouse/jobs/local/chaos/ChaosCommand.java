package com.retail.lakehouse.jobs.local.chaos;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.audit.RunAudit;
import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobOptions;
import com.retail.lakehouse.common.cli.StageSpec;
import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.publish.EmbeddedDatabase;
import com.retail.lakehouse.common.publish.Postgres;
import com.retail.lakehouse.common.spark.Sessions;
import com.retail.lakehouse.jobs.Stages;
import com.retail.lakehouse.jobs.local.Command;
import com.retail.lakehouse.jobs.local.Console;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.kohsuke.args4j.Option;

/**
 * {@code bin/chaos} ({@code bin/pipeline chaos}): runs the pipeline undisturbed once, then again
 * into a second lake and database while sending SIGKILL to it at random points spread over every
 * stage (each stage killed a few times, rerun after each kill, then run to its end), and checks
 * that the second lake and database end exactly as the first: the same rows in every table, the
 * serving tables whole after every kill, the killed runs recorded as failed in the audit.
 *
 * <p>The pipeline runs as a user runs it, one {@code bin/pipeline} process per stage run, so the
 * test follows the stages as they change. Both runs publish into one embedded PostgreSQL that this
 * command starts (two databases), which outlives the killed processes as a real server does.
 */
public final class ChaosCommand implements Command {
  /** Options of {@code bin/chaos}. */
  static final class Options {
    @Option(name = "--seed", metaVar = "S", usage = "seed of the kill points (default: random)")
    Long seed;

    @Option(name = "--kills", metaVar = "N", usage = "kill points, spread over every stage")
    int kills = 22;

    @Option(
        name = "--reference",
        metaVar = "LAKE",
        usage =
            "the lake of an earlier undisturbed `bin/pipeline run --lake LAKE` on the same"
                + " sources and date (its database in LAKE-postgres, not served meanwhile);"
                + " default: one is run first")
    File reference;

    @Option(name = "--sources", metaVar = "DIR", usage = "landing directory (default: the sample)")
    String sources;

    @Option(name = "--date", metaVar = "YYYY-MM-DD", usage = "logical date of the runs")
    String date;

    @Option(name = "--work", metaVar = "DIR", usage = "where the lakes, database and logs go")
    File work;

    @Option(name = "--keep", usage = "keep the work directory (it is kept anyway on failure)")
    boolean keep;

    @Option(name = "--child-heap", metaVar = "SIZE", usage = "heap of each pipeline process")
    String childHeap = "2g";

    @Option(name = "--help", aliases = "-h", help = true, usage = "show this help")
    boolean help;
  }

  private static final String SCHEMA = "gold";

  /** One kill: where it was planned, where it landed, and what was found after it. */
  private record Kill(
      int number, String stage, double planned, Child.Outcome outcome, List<String> found) {}

  @Override
  public String name() {
    return "chaos";
  }

  @Override
  public String summary() {
    return "kill the pipeline at random points (SIGKILL), rerun, and check it ends\n"
        + "as an undisturbed run does: chaos [--seed S] [--kills N] (also bin/chaos)";
  }

  @Override
  public int run(String[] args, Console console) throws Exception {
    Options o = console.parse(new Options(), args, name());
    if (console.help(
        o,
        "chaos [--seed S] [--kills N] [--reference LAKE] [--sources DIR] [--work DIR]",
        o.help)) {
      return 0;
    }
    String home = System.getenv("LAKEHOUSE_HOME");
    if (home == null || !Files.isExecutable(Path.of(home, "bin", "pipeline"))) {
      throw new UserError("chaos runs bin/pipeline: start it with bin/chaos");
    }
    JobOptions job = new JobOptions();
    job.sources = o.sources;
    job.date = o.date;
    Settings settings = job.settings();
    String date = job.logicalDate(settings).toString();
    List<String> stages = Stages.GRAPH.names();
    if (o.kills < stages.size()) {
      throw new UserError("--kills must be at least " + stages.size() + ", one per stage");
    }
    if (o.reference != null && !Files.isDirectory(o.reference.toPath().resolve("_locks"))) {
      throw new UserError(
          "--reference " + o.reference + " is not the lake of a bin/pipeline run (no _locks)");
    }
    long seed = o.seed != null ? o.seed : new Random().nextLong();
    Path work =
        o.work != null ? o.work.toPath().toAbsolutePath() : Files.createTempDirectory("chaos-");
    PrintStream out = console.out();
    out.printf(
        "chaos: seed %d, %d kills over %d stages, sources %s, logical date %s%n"
            + "       replay with: bin/chaos --seed %d --kills %d%s; work directory %s%n",
        seed,
        o.kills,
        stages.size(),
        settings.sourcesRoot(),
        date,
        seed,
        o.kills,
        o.sources == null ? "" : " --sources " + o.sources,
        work);
    long started = System.nanoTime();
    boolean passed;
    try (EmbeddedDatabase server = EmbeddedDatabase.start(work.resolve("postgres"));
        EmbeddedDatabase served =
            o.reference == null
                ? null
                : EmbeddedDatabase.start(
                    EmbeddedDatabase.besideLake(o.reference.getAbsolutePath()))) {
      Run run = new Run(o, settings, date, work, server, served, home, out);
      passed = run.all(seed, stages);
    }
    out.printf(
        "chaos: %s in %.0f s (seed %d)%n",
        passed ? "passed" : "FAILED", (System.nanoTime() - started) / 1e9, seed);
    if (passed && !o.keep) {
      deleteTree(work);
    } else {
      out.println("chaos: lakes, database and logs kept in " + work);
    }
    return passed ? 0 : 1;
  }

  /** One chaos test: the undisturbed run, the kills, the comparison. */
  private static final class Run {
    private final Options options;
    private final Settings settings;
    private final String date;
    private final Path work;
    private final String home;
    private final PrintStream out;
    private final Postgres reference;
    private final Postgres chaos;
    private final Lake referenceLake;
    private final Lake chaosLake;
    private final List<Kill> kills = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private boolean sqlChecked;

    Run(
        Options options,
        Settings settings,
        String date,
        Path work,
        EmbeddedDatabase server,
        EmbeddedDatabase served,
        String home,
        PrintStream out)
        throws Exception {
      this.options = options;
      this.settings = settings;
      this.date = date;
      this.work = work;
      this.home = home;
      this.out = out;
      Postgres admin = server.postgres();
      try (Connection c = admin.connect();
          Statement st = c.createStatement()) {
        st.execute("DROP DATABASE IF EXISTS reference");
        st.execute("DROP DATABASE IF EXISTS chaos");
        st.execute("CREATE DATABASE reference");
        st.execute("CREATE DATABASE chaos");
      }
      this.reference = served != null ? served.postgres() : database(admin, "reference");
      this.chaos = database(admin, "chaos");
      this.referenceLake =
          new Lake(
              options.reference != null
                  ? options.reference.getAbsolutePath()
                  : work.resolve("reference/lake").toString());
      this.chaosLake = new Lake(work.resolve("chaos/lake").toString());
    }

    private static Postgres database(Postgres admin, String name) {
      return new Postgres(
          admin.url().replace("/postgres?", "/" + name + "?"), admin.user(), admin.password());
    }

    boolean all(long seed, List<String> stages) throws Exception {
      if (options.reference == null) {
        out.println("\n1. the undisturbed run (bin/pipeline run)");
        Child.Outcome undisturbed = runToTheEnd(referenceLake, reference, "undisturbed");
        if (undisturbed.exitCode() != 0) {
          out.println("   the undisturbed run failed: " + undisturbed.lastError());
          out.println("   see " + undisturbed.log());
          return false;
        }
      } else {
        out.println("\n1. the undisturbed run: the lake " + referenceLake.root());
      }
      SparkSession spark = Sessions.create("retail-lakehouse-chaos", settings);
      Map<String, Double> seconds = stageSeconds(spark);
      out.println(
          "   "
              + stages.stream()
                  .map(s -> String.format("%s %.1f s", s, seconds.getOrDefault(s, 0.0)))
                  .collect(Collectors.joining(", ")));

      KillPlan plan = KillPlan.of(seed, options.kills, stages, seconds);
      out.printf(
          "%n2. bin/pipeline run into another lake and database, killed %d times,"
              + " each rerun killed later%n",
          options.kills);
      out.printf(
          "   %3s  %-16s %9s  %-16s %9s  %s%n",
          "#", "planned in", "after", "killed in", "after", "found after the kill");
      killAndRerun(spark, plan, seconds);

      out.println("\n3. the lake and the database after the kills, against the undisturbed run");
      compare(spark, stages);
      long landed = kills.stream().filter(k -> k.outcome().killedInStage()).count();
      long stagesKilled =
          kills.stream()
              .filter(k -> k.outcome().killedInStage())
              .map(k -> k.outcome().killedIn())
              .distinct()
              .count();
      out.printf(
          "   %d kills landed in a stage (%d planned), in %d of %d stages%n",
          landed, options.kills, stagesKilled, stages.size());
      if (landed < Math.min(20, options.kills) || stagesKilled < stages.size()) {
        problems.add(
            "too few kills landed in a stage: "
                + landed
                + " in "
                + stagesKilled
                + " stages (a stage ended before its kill point; see the table)");
      }
      problems.forEach(p -> out.println("   PROBLEM: " + p));
      return problems.isEmpty();
    }

    /**
     * Each stage's running time in the undisturbed run, from its audit: where the kill points of a
     * stage fall.
     */
    private Map<String, Double> stageSeconds(SparkSession spark) {
      Map<String, Double> seconds = new LinkedHashMap<>();
      for (Row r :
          referenceLake
              .read(spark, Tables.OPS_PIPELINE_RUNS)
              .where(col("status").equalTo(RunAudit.SUCCEEDED))
              .groupBy("stage")
              .agg(max("duration_ms"))
              .collectAsList()) { // one row per stage
        seconds.put(r.getString(0), r.getLong(1) / 1000.0);
      }
      return seconds;
    }

    /**
     * One {@code bin/pipeline run --from STAGE} per kill point, in the plan's order: each is killed
     * at its point (a time after its stage starts); the next one resumes from the stage the kill
     * stopped (no process start spent on the stages done before it) and is killed at the next
     * point, later in the same stage or in a later stage. A stage that resumes where the killed run
     * stopped (it only appends, or writes nothing to the lake: bronze, publish) takes less time at
     * each try, so its points are taken from what is left of its running time. A last run goes to
     * the end.
     */
    private void killAndRerun(SparkSession spark, KillPlan plan, Map<String, Double> seconds)
        throws Exception {
      Map<String, Double> progress = new LinkedHashMap<>();
      List<String> order = Stages.GRAPH.names();
      String resumeFrom = order.get(0);
      for (KillPlan.Point p : plan.points()) {
        double stageSeconds = seconds.getOrDefault(p.stage(), 10.0);
        double left =
            resumes(p.stage())
                ? Math.max(
                    stageSeconds - progress.getOrDefault(p.stage(), 0.0), 0.25 * stageSeconds)
                : stageSeconds;
        Duration after = Duration.ofMillis(Math.round(p.fraction() * left * 1000));
        int number = kills.size() + 1;
        // from the stage the last kill stopped in (those before it are done), or the one planned
        // if that comes first
        String from = order.indexOf(p.stage()) < order.indexOf(resumeFrom) ? p.stage() : resumeFrom;
        List<String> command = new ArrayList<>(command(chaosLake, chaos, "chaos-" + number));
        command.addAll(List.of("--from", from));
        Child.Outcome outcome =
            Child.run(
                command,
                environment(),
                log(String.format("%02d-%s", number, p.stage())),
                Optional.of(p.stage()),
                after);
        if (outcome.killedInStage()) {
          progress.merge(outcome.killedIn(), outcome.secondsIntoStage(), Double::sum);
          resumeFrom = outcome.killedIn();
        } else if (outcome.killed()) {
          resumeFrom = from; // between two stages: resumed from where it started
        } else if (!outcome.killed() && outcome.exitCode() != 0) {
          problems.add("run " + number + " failed before its kill: " + outcome.lastError());
        }
        Kill kill =
            new Kill(number, p.stage(), after.toMillis() / 1000.0, outcome, afterKill(spark));
        kills.add(kill);
        print(kill);
      }
      Child.Outcome rerun = runToTheEnd(chaosLake, chaos, "chaos-to-the-end");
      if (rerun.exitCode() != 0) {
        problems.add("the pipeline did not run to its end after the kills: " + rerun.lastError());
      }
    }

    /** A stage that appends only, or writes nothing to the lake, keeps what a killed run did. */
    private static boolean resumes(String stage) {
      StageSpec spec = Stages.GRAPH.stage(stage).map(Job::spec).orElseThrow();
      return spec.writes().stream().allMatch(w -> w.mode() == StageSpec.Mode.APPEND);
    }

    /**
     * What a kill left, checked at once: every committed table still reads, a table without a
     * commit is noted (and {@code bin/pipeline sql} must still answer, once), every served table is
     * a whole published version.
     */
    private List<String> afterKill(SparkSession spark) throws Exception {
      List<String> found = new ArrayList<>();
      List<TableId> committed = chaosLake.tables(spark);
      for (TableId t : committed) {
        try {
          chaosLake.read(spark, t).schema();
        } catch (Exception e) {
          problems.add(t + " cannot be read after a kill: " + e.getMessage());
        }
      }
      List<TableId> uncommitted = chaosLake.uncommitted(spark);
      if (!uncommitted.isEmpty()) {
        found.add("no commit yet: " + uncommitted.stream().map(Object::toString).toList());
        if (!sqlChecked) {
          sqlChecked = true;
          found.add(checkSql(uncommitted, committed));
        }
      }
      List<String> staging = Fingerprints.stagingLeft(chaos, SCHEMA);
      if (!staging.isEmpty()) {
        found.add("staging left: " + staging);
      }
      List<String> partial = Fingerprints.partiallyServed(spark, chaosLake, chaos, SCHEMA);
      partial.forEach(p -> problems.add("serving is partial after a kill: " + p));
      found.add(partial.isEmpty() ? "serving whole" : "SERVING PARTIAL");
      return found;
    }

    /**
     * {@code bin/pipeline sql} over a lake with a table without a commit: answers (a committed
     * table's count, when there is one) and warns.
     */
    private String checkSql(List<TableId> uncommitted, List<TableId> committed) {
      String query =
          committed.isEmpty()
              ? "SELECT 1 AS n"
              : "SELECT count(*) AS n FROM " + committed.get(0); // layer.table, checked names
      Child.Outcome sql =
          Child.run(
              List.of(pipeline(), "sql", "--lake", chaosLake.root(), "--format", "csv", query),
              environment(),
              log("sql-check"),
              Optional.empty(),
              Duration.ZERO);
      String text = read(sql.log());
      boolean warned =
          uncommitted.stream().allMatch(t -> text.contains("warning: " + t + " is left out"));
      if (sql.exitCode() != 0 || !warned) {
        problems.add(
            "bin/pipeline sql with "
                + uncommitted
                + " uncommitted: exit "
                + sql.exitCode()
                + (warned ? "" : ", no warning")
                + " (see "
                + sql.log()
                + ")");
        return "sql FAILED";
      }
      return "sql answers and warns";
    }

    /** The lake and the serving tables against the undisturbed run's; the audit of the kills. */
    private void compare(SparkSession spark, List<String> stages) throws Exception {
      same("lake", Fingerprints.lake(spark, referenceLake), Fingerprints.lake(spark, chaosLake));
      same("served", Fingerprints.serving(reference, SCHEMA), Fingerprints.serving(chaos, SCHEMA));
      problems.addAll(
          Fingerprints.partiallyServed(spark, chaosLake, chaos, SCHEMA).stream()
              .map(p -> "serving is partial at the end: " + p)
              .toList());

      Map<String, List<String>> statuses = new LinkedHashMap<>();
      for (Row r :
          chaosLake
              .read(spark, Tables.OPS_PIPELINE_RUNS)
              .select("run_id", "stage", "status", "error")
              .collectAsList()) { // one row per stage run: a few dozen
        statuses
            .computeIfAbsent(r.getString(0) + "/" + r.getString(1), k -> new ArrayList<>())
            .add(r.getString(2) + (r.isNullAt(3) ? "" : ": " + r.getString(3)));
      }
      int recorded = 0;
      for (Kill k : kills) {
        if (!k.outcome().killedInStage()) {
          continue;
        }
        List<String> rows =
            statuses.getOrDefault("chaos-" + k.number() + "/" + k.outcome().killedIn(), List.of());
        boolean failed =
            rows.size() == 1 && rows.get(0).startsWith(RunAudit.FAILED + ": " + RunAudit.KILLED);
        if (failed) {
          recorded++;
        } else {
          problems.add(
              "the audit of killed run chaos-"
                  + k.number()
                  + " ("
                  + k.outcome().killedIn()
                  + ") is "
                  + rows);
        }
      }
      out.printf(
          "   audit: %d of the runs killed in a stage recorded as failed (killed)%n", recorded);
      try (Stream<Path> left = Files.list(Path.of(chaosLake.root(), "_locks"))) {
        List<String> locks =
            left.map(p -> p.getFileName().toString()).filter(n -> !n.contains(".")).toList();
        if (!locks.isEmpty()) {
          problems.add("stage locks left after the last runs: " + locks);
        }
      }
    }

    /** Prints how the two sets of figures compare; every difference is a problem. */
    private void same(String what, Map<String, String> undisturbed, Map<String, String> after) {
      List<String> differences = Fingerprints.differences(what, undisturbed, after);
      out.printf(
          "   %s: %d tables, %s%n",
          what, undisturbed.size(), differences.isEmpty() ? "every one identical" : "DIFFERENT");
      problems.addAll(differences);
    }

    private void print(Kill k) {
      Child.Outcome o = k.outcome();
      String killedIn =
          o.killedInStage()
              ? String.format("%-16s %7.1f s", o.killedIn(), o.secondsIntoStage())
              : String.format("%-26s", o.killed() ? "(between stages)" : "(not killed: ended)");
      out.printf(
          "   %3d  %-16s %7.1f s  %s  %s%n",
          k.number(), k.stage(), k.planned(), killedIn, String.join("; ", k.found()));
    }

    /** {@code bin/pipeline run} into the lake and database, not killed; its log named by run. */
    private Child.Outcome runToTheEnd(Lake lake, Postgres db, String runId) {
      return Child.run(
          command(lake, db, runId), environment(), log(runId), Optional.empty(), Duration.ZERO);
    }

    private List<String> command(Lake lake, Postgres db, String runId) {
      return List.of(
          pipeline(),
          "run",
          "--lake",
          lake.root(),
          "--sources",
          settings.sourcesRoot(),
          "--date",
          date,
          "--jdbc-url",
          db.url(),
          "--set",
          "postgres.user=" + db.user(),
          "--run-id",
          runId);
    }

    private String pipeline() {
      return Path.of(home, "bin", "pipeline").toString();
    }

    private Map<String, String> environment() {
      return Map.of("PIPELINE_HEAP", options.childHeap);
    }

    private Path log(String name) {
      return work.resolve("logs").resolve(name + ".log");
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
