package com.retail.lakehouse.jobs.local;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.JobRunner;
import com.retail.lakehouse.jobs.Stages;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The local runner behind {@code bin/pipeline}: a dispatcher over its commands. The stage commands
 * ({@code run} and one per stage) come from the stage registry; the tools are listed here.
 */
public final class Pipeline {
  private final Console console;
  private final List<Command> commands;

  public Pipeline(PrintStream out, PrintStream err) {
    this.console = new Console(out, err);
    this.commands = commands();
  }

  /** Every command, in the order the usage text lists them. */
  static List<Command> commands() {
    List<Command> all = new ArrayList<>();
    all.add(RunCommand.all());
    Stages.GRAPH.stages().forEach(job -> all.add(RunCommand.stage(job)));
    all.add(RunCommand.maintain());
    all.add(new StagesCommand());
    all.add(new QualityCommand());
    all.add(new ReplayCommand());
    all.add(new SqlCommand());
    all.add(new RulesCommand());
    all.add(new GenerateCommand());
    all.add(new EvaluateRecommendationsCommand());
    all.add(new DbCommand());
    all.add(new DashboardCommand());
    all.add(new ShopApiCommand());
    all.add(new BenchPublishCommand());
    all.add(new com.retail.lakehouse.jobs.local.bench.BenchCommand());
    all.add(new BenchRecommendationsCommand());
    all.add(new ForgetCommand());
    all.add(new com.retail.lakehouse.jobs.local.chaos.ChaosCommand());
    return List.copyOf(all);
  }

  public static void main(String[] args) {
    if (System.getProperty("spark.master") == null) {
      System.setProperty("spark.master", "local[*]");
    }
    System.exit(new Pipeline(System.out, System.err).run(args));
  }

  String usage() {
    StringBuilder text = new StringBuilder("usage: bin/pipeline COMMAND [options]\n\ncommands:\n");
    int width = commands.stream().mapToInt(c -> c.name().length()).max().orElse(0) + 2;
    String line = "  %-" + width + "s%s%n";
    for (Command c : commands) {
      String[] lines = c.summary().split("\n");
      text.append(String.format(line, c.name(), lines[0]));
      for (int i = 1; i < lines.length; i++) {
        text.append(String.format(line, "", lines[i]));
      }
    }
    return text.append("\nbin/pipeline COMMAND --help shows the options of a command.").toString();
  }

  public int run(String[] args) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      console.out().println(usage());
      return args.length == 0 ? JobRunner.USAGE : 0;
    }
    String name = args[0];
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    Optional<Command> command = commands.stream().filter(c -> c.name().equals(name)).findFirst();
    if (command.isEmpty()) {
      console.err().println("error: unknown command '" + name + "'\n" + usage());
      return JobRunner.USAGE;
    }
    try {
      return command.get().run(rest, console);
    } catch (UserError e) {
      console.err().println("error: " + e.getMessage());
      return JobRunner.USAGE;
    } catch (Exception e) { // also Spark's AnalysisException, checked but thrown from Scala
      console.err().println("error: " + name + " failed: " + JobRunner.oneLine(e));
      return JobRunner.FAILED;
    }
  }
}
