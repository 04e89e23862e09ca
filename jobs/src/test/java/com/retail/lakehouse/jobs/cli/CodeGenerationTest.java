package com.retail.lakehouse.jobs.cli;

import static com.retail.lakehouse.jobs.support.Frames.keysAndValues;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.spark.CodeGeneration;
import com.retail.lakehouse.jobs.support.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stage runs interpreted only when every table it reads is known to be small. */
class CodeGenerationTest {
  private static final long MB = 1_000_000;
  private final SparkSession spark = TestSpark.get();

  @Test
  void interpretedWhenEveryInputIsKnownAndSmall() {
    assertTrue(CodeGeneration.interpret(List.of(Optional.of(MB), Optional.of(2 * MB)), 4 * MB));
    assertTrue(CodeGeneration.interpret(List.of(Optional.of(0L)), 4 * MB)); // not created yet
    // one large input, a size not known, no input (bronze reads files), the switch off
    assertFalse(CodeGeneration.interpret(List.of(Optional.of(MB), Optional.of(5 * MB)), 4 * MB));
    assertFalse(CodeGeneration.interpret(List.of(Optional.of(4 * MB)), 4 * MB));
    assertFalse(CodeGeneration.interpret(List.of(Optional.of(MB), Optional.empty()), 4 * MB));
    assertFalse(CodeGeneration.interpret(List.of(), 4 * MB));
    assertFalse(CodeGeneration.interpret(List.of(Optional.of(MB)), 0));
  }

  @Test
  void theStageRunsInterpretedAndTheSessionIsPutBackAfter(@TempDir Path dir) throws Exception {
    Lake lake = new Lake(dir.toString());
    TableId table = TableId.of("silver.small");
    lake.append(table, keysAndValues(1, 10, 2, 20), null);
    long parquet;
    try (Stream<Path> files = Files.list(Path.of(lake.path(table)))) {
      parquet =
          files
              .filter(f -> f.toString().endsWith(".parquet"))
              .mapToLong(CodeGenerationTest::size)
              .sum();
    }
    assertTrue(parquet > 0);
    assertEquals(Optional.of(parquet), lake.sizeBytes(spark, table));

    RuntimeConfig conf = spark.conf();
    Map<String, String> before =
        Map.of(
            "spark.sql.codegen.wholeStage", conf.get("spark.sql.codegen.wholeStage"),
            "spark.sql.codegen.factoryMode", conf.get("spark.sql.codegen.factoryMode"));
    try {
      conf.set("spark.sql.codegen.wholeStage", "true"); // as the pipeline's sessions run
      conf.set("spark.sql.codegen.factoryMode", "FALLBACK");
      List<TableId> inputs = List.of(table, TableId.of("silver.not_yet"));

      assertNull(CodeGeneration.forStage(spark, lake, inputs, parquet)); // not under: compiled
      assertEquals("true", conf.get("spark.sql.codegen.wholeStage"));

      try (CodeGeneration.Scope scope = CodeGeneration.forStage(spark, lake, inputs, parquet + 1)) {
        assertNotNull(scope);
        assertEquals(parquet, scope.largestInputBytes());
        assertEquals("false", conf.get("spark.sql.codegen.wholeStage"));
        assertEquals("NO_CODEGEN", conf.get("spark.sql.codegen.factoryMode"));
        assertEquals(2L, lake.read(spark, table).count()); // and queries still run
      }
      assertEquals("true", conf.get("spark.sql.codegen.wholeStage"));
      assertEquals("FALLBACK", conf.get("spark.sql.codegen.factoryMode"));
    } finally {
      before.forEach(conf::set);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
