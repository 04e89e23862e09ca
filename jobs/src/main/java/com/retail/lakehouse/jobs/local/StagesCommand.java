package com.retail.lakehouse.jobs.local;

import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.StageSpec;
import com.retail.lakehouse.jobs.Stages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.kohsuke.args4j.Option;

/**
 * {@code bin/pipeline stages}: the stage registry, as a table or as the JSON the Airflow DAG reads
 * ({@code airflow-dags/stages.json}, written with {@code --write FILE}).
 */
final class StagesCommand implements Command {
  /** Options of {@code bin/pipeline stages}. */
  static final class Options {
    @Option(name = "--json", usage = "print the stage graph as JSON")
    boolean json;

    @Option(name = "--write", metaVar = "FILE", usage = "write the JSON to FILE")
    Path write;

    @Option(name = "--help", aliases = "-h", help = true, usage = "show this help")
    boolean help;
  }

  @Override
  public String name() {
    return "stages";
  }

  @Override
  public String summary() {
    return "the stages in run order: what each reads, writes and needs (--json for the DAG)";
  }

  @Override
  public int run(String[] args, Console console) throws IOException {
    Options o = console.parse(new Options(), args, name());
    if (console.help(o, "stages [--json] [--write FILE]", o.help)) {
      return 0;
    }
    if (o.write != null) {
      Files.writeString(o.write, Stages.json(), StandardCharsets.UTF_8);
      console.out().println("written: " + o.write);
    } else if (o.json) {
      console.out().print(Stages.json());
    } else {
      for (Job job : Stages.GRAPH.stages()) {
        StageSpec s = job.spec();
        console.out().printf("%s  (%s)%n", s.name(), s.description());
        console
            .out()
            .printf("  after:  %s%n", String.join(", ", Stages.GRAPH.upstreamOf(s.name())));
        console
            .out()
            .printf(
                "  reads:  %s%n",
                s.inputs().stream().map(Object::toString).collect(Collectors.joining(", ")));
        console
            .out()
            .printf(
                "  writes: %s%n",
                s.writes().stream()
                    .map(w -> w.table() + " (" + w.mode().label() + ")")
                    .collect(Collectors.joining(", ")));
        if (!s.needs().isEmpty()) {
          console
              .out()
              .printf(
                  "  needs:  %s%n",
                  s.needs().stream().map(StageSpec.Need::label).sorted().toList());
        }
      }
    }
    return 0;
  }
}
