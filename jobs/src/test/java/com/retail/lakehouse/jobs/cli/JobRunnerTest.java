package com.retail.lakehouse.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.JobRunner;
import com.retail.lakehouse.common.cli.StageGraph;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.cli.StageSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Argument handling: every problem is found before Spark starts, on one line, with exit code 2. */
class JobRunnerTest {
  /** A stage that must never be reached by these tests. */
  private static final class Unreachable implements Job {
    @Override
    public StageSpec spec() {
      return StageSpec.stage("unreachable", Unreachable.class).build();
    }

    @Override
    public StageResult run(SparkSession spark, JobContext ctx) {
      throw new AssertionError("the job ran");
    }
  }

  private record Outcome(int code, String out, String err) {}

  private static Outcome run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        JobRunner.run(
            StageGraph.of(List.of(new Unreachable())),
            new Unreachable(),
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--bogus|\"--bogus\" is not a valid option",
        "--env prod|unknown environment 'prod'",
        "--date 2017-02-30|--date must be YYYY-MM-DD (got '2017-02-30')",
        "--set recommendations.min-support=0|recommendations.min-support must be in (0, 1]",
        "--set recommendations.item-level=bogus|recommendations.item-level must be one of",
        "--jdbc-url mysql://db|postgres.url must start with jdbc:postgresql:",
        "--env cluster|--date YYYY-MM-DD is required in the cluster environment",
        "--date|--date"
      })
  void badArgumentsPrintOneErrorLineAndReturnTwo(String args, String message) {
    Outcome o = run(args.split(" "));
    assertEquals(JobRunner.USAGE, o.code());
    assertEquals("", o.out());
    List<String> lines = o.err().lines().toList();
    assertEquals(1, lines.size(), o.err());
    assertTrue(lines.get(0).startsWith("error: "), lines.get(0));
    assertTrue(lines.get(0).contains(message), lines.get(0));
  }

  @Test
  void helpPrintsUsageAndReturnsZero() {
    Outcome o = run("--help");
    assertEquals(0, o.code());
    assertEquals("", o.err());
    assertTrue(o.out().startsWith("usage: " + Unreachable.class.getName() + " [options]\n"));
    assertTrue(o.out().contains("--set KEY=VALUE"), o.out());
  }

  @Test
  void summaryLineAndOneLine() {
    assertEquals(
        "silver: read 1,234 rows, wrote 1,000 (12 flagged), quarantined 200, duplicates removed 34",
        JobRunner.summaryLine(
            "silver",
            new StageResult.Builder()
                .read("t", 1234)
                .written("t", 1000)
                .flagged("t", 12)
                .quarantined("t", 200)
                .duplicates("t", 34)
                .build()));
    assertEquals(
        "gold: up to date, nothing written", JobRunner.summaryLine("gold", StageResult.skipped()));
    assertEquals(
        "root cause",
        JobRunner.oneLine(
            new RuntimeException("outer", new IllegalStateException("root cause\nmore"))));
  }
}
