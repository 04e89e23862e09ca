package com.retail.lakehouse.jobs.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.retail.lakehouse.common.cli.JobRunner;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.jobs.local.bench.BenchCommand;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** bin/bench reads each stage's time from the runner's own lines, as the runner writes them. */
class StageTimesTest {
  @Test
  void theBenchReadsTheRunnersStageLines() {
    String output =
        String.join(
            "\n",
            "no --orders-api given: simulated shop API at http://127.0.0.1:1234",
            JobRunner.summaryLine("bronze", new StageResult.Builder().read("t", 1_234_567).build())
                + RunCommand.stageTime(12_340_000_000L),
            JobRunner.summaryLine("gold", StageResult.skipped())
                + RunCommand.stageTime(500_000_001L),
            // a stage with a warning: the time ends its first line, the warning follows
            RunCommand.withTime(
                JobRunner.summaryLine(
                    "recommendations",
                    new StageResult.Builder()
                        .read("baskets", 98_347)
                        .warn("support raised")
                        .build()),
                55_060_000_000L),
            "run finished in 20.0 s (run r, logical date 2017-12-31)");
    Map<String, long[]> stages = BenchCommand.stageTimes(output);
    assertEquals(List.of("bronze", "gold", "recommendations"), List.copyOf(stages.keySet()));
    assertArrayEquals(new long[] {1_234_567, 12_300}, stages.get("bronze"));
    assertArrayEquals(new long[] {0, 500}, stages.get("gold"));
    assertArrayEquals(new long[] {98_347, 55_100}, stages.get("recommendations"));
  }
}
