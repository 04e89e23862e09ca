package com.retail.lakehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageGraph;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.cli.StageSpec;
import com.retail.lakehouse.common.cli.StageSpec.Mode;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.jobs.support.TestSpark;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage registry: its order and edges, the DAG's copy of it, and the graph's own checks. */
class StagesTest {

  /**
   * run --from: the stages from the one named on, in run order; an unknown one is a usage error.
   */
  @Test
  void fromAStageIsThatStageAndTheOnesAfterIt() {
    assertEquals(
        List.of("recommendations", "publish"),
        Stages.GRAPH.from("recommendations").stream().map(Job::stage).toList());
    assertEquals(
        Stages.GRAPH.names(), Stages.GRAPH.from("bronze").stream().map(Job::stage).toList());
    UserError e = assertThrows(UserError.class, () -> Stages.GRAPH.from("platinum"));
    assertTrue(
        e.getMessage().startsWith("--from platinum: no such stage (bronze, "), e.getMessage());
  }

  /** The stage each stage must wait for, worked out by hand from the tables each one reads. */
  @Test
  void upstreamStagesAreThoseWhoseTablesEachReads() {
    Map<String, Set<String>> expected = new LinkedHashMap<>();
    expected.put("bronze", Set.of());
    expected.put("orders_extract", Set.of());
    expected.put("silver", Set.of("bronze"));
    // orders' lines join the catalogue (silver.products) as well as the raw pages
    expected.put("orders_silver", Set.of("orders_extract", "silver"));
    expected.put("gold", Set.of("silver"));
    // orders_gold reads silver.products too, but already waits for silver through orders_silver
    expected.put("orders_gold", Set.of("orders_silver"));
    expected.put("recommendations", Set.of("silver"));
    expected.put("publish", Set.of("gold", "orders_gold", "recommendations"));
    Map<String, Set<String>> actual = new LinkedHashMap<>();
    Stages.GRAPH.names().forEach(n -> actual.put(n, Stages.GRAPH.upstreamOf(n)));
    assertEquals(expected, actual);
  }

  @Test
  void everyStageRunsAfterTheStagesItReadsFrom() {
    List<String> order = Stages.GRAPH.names();
    for (String stage : order) {
      for (String up : Stages.GRAPH.upstreamOf(stage)) {
        assertTrue(order.indexOf(up) < order.indexOf(stage), up + " before " + stage);
      }
    }
    assertEquals("publish", order.get(order.size() - 1));
  }

  @Test
  void everyMainClassIsItsStagesJobWithAMain() throws Exception {
    for (Job job : Stages.GRAPH.stages()) {
      Class<?> main = Class.forName(job.spec().mainClass());
      assertEquals(job.getClass(), main, job.stage());
      Method m = main.getMethod("main", String[].class);
      assertTrue(Modifier.isStatic(m.getModifiers()), job.stage());
    }
  }

  @Test
  void theDagsStageFileIsCurrent() throws Exception {
    Path file = projectRoot().resolve("airflow-dags/stages.json");
    assertEquals(
        Stages.json(),
        Files.readString(file, StandardCharsets.UTF_8),
        "airflow-dags/stages.json is stale: bin/pipeline stages --write airflow-dags/stages.json");
  }

  private record Fake(StageSpec spec) implements Job {
    @Override
    public StageResult run(SparkSession spark, JobContext ctx) {
      return StageResult.skipped();
    }
  }

  private static Fake fake(String name, List<TableId> reads, List<TableId> writes) {
    return new Fake(
        StageSpec.stage(name, Fake.class).reads(reads).writes(Mode.OVERWRITE, writes).build());
  }

  @Test
  void theGraphRefusesCyclesDoubleWritersAndOrphanReads() {
    TableId a = TableId.of("x.a");
    TableId b = TableId.of("x.b");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            StageGraph.of(
                List.of(fake("p", List.of(b), List.of(a)), fake("q", List.of(a), List.of(b)))));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            StageGraph.of(
                List.of(fake("p", List.of(), List.of(a)), fake("q", List.of(), List.of(a)))));
    assertThrows(
        IllegalArgumentException.class,
        () -> StageGraph.of(List.of(fake("p", List.of(b), List.of(a)))));
    // declared out of order, run in order
    StageGraph g =
        StageGraph.of(List.of(fake("q", List.of(a), List.of(b)), fake("p", List.of(), List.of(a))));
    assertEquals(List.of("p", "q"), g.names());
  }

  @Test
  void aMissingInputNamesTheStageToRunFirst(@TempDir Path dir) {
    Lake lake = new Lake(dir.toString());
    UserError e =
        assertThrows(
            UserError.class,
            () ->
                Stages.GRAPH.requireInputs(
                    TestSpark.get(), lake, Stages.GRAPH.stage("gold").orElseThrow().spec()));
    assertEquals(
        "silver.transactions does not exist in " + dir + ": run the silver stage first",
        e.getMessage());
  }

  static Path projectRoot() {
    Path here = Path.of("").toAbsolutePath();
    return here.getFileName().toString().equals("jobs") ? here.getParent() : here;
  }
}
