package com.retail.lakehouse.common.spark;

import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;

/**
 * Compiled or interpreted, per stage. Compiled, Spark generates Java for each query and compiles it
 * (Janino, then the JVM's JIT): a cost per query, whatever its rows, that pays back over many rows.
 * A stage whose lake tables are all small runs many queries over few rows and never earns it back:
 * it runs interpreted, the path Spark itself falls back on when generated code does not compile
 * (the same operators, the same rows; the tests run that way throughout). Bronze reads files, not
 * tables, and stays compiled: its CSV rows are written with statistics per column, row by row.
 */
public final class CodeGeneration {
  static final String WHOLE_STAGE = "spark.sql.codegen.wholeStage";
  // Spark's switch between generated and interpreted expressions (marked internal: its test suites
  // set it); whole-stage code generation off alone still compiled every expression, as slow.
  static final String FACTORY_MODE = "spark.sql.codegen.factoryMode";

  private CodeGeneration() {}

  /**
   * True when a stage reading tables of these sizes (empty: not known) should run interpreted: it
   * reads at least one table and every one is known to be smaller than {@code belowBytes} (0:
   * never).
   */
  public static boolean interpret(List<Optional<Long>> inputBytes, long belowBytes) {
    return belowBytes > 0
        && !inputBytes.isEmpty()
        && inputBytes.stream().allMatch(b -> b.isPresent() && b.get() < belowBytes);
  }

  /**
   * Sets the session to run the stage's queries interpreted when {@link #interpret} says so for its
   * input tables (sizes from their logs' checksum files, no Spark job); closing the returned scope
   * puts the session's settings back. Returns null when nothing was changed.
   */
  public static Scope forStage(
      SparkSession spark, Lake lake, List<TableId> inputs, long belowBytes) {
    if (belowBytes <= 0) {
      return null; // switched off: no checksum file read
    }
    List<Optional<Long>> sizes = inputs.stream().map(t -> lake.sizeBytes(spark, t)).toList();
    if (!interpret(sizes, belowBytes)) {
      return null;
    }
    RuntimeConfig conf = spark.conf();
    Scope scope =
        new Scope(
            conf,
            conf.contains(WHOLE_STAGE) ? conf.get(WHOLE_STAGE) : null,
            conf.contains(FACTORY_MODE) ? conf.get(FACTORY_MODE) : null,
            sizes.stream().mapToLong(Optional::get).max().orElse(0));
    conf.set(WHOLE_STAGE, "false");
    conf.set(FACTORY_MODE, "NO_CODEGEN");
    return scope;
  }

  /** The session's settings before the stage (null: unset), put back by {@link #close}. */
  public record Scope(
      RuntimeConfig conf, String wholeStage, String factoryMode, long largestInputBytes)
      implements AutoCloseable {
    @Override
    public void close() {
      restore(WHOLE_STAGE, wholeStage);
      restore(FACTORY_MODE, factoryMode);
    }

    private void restore(String key, String value) {
      if (value == null) {
        conf.unset(key);
      } else {
        conf.set(key, value);
      }
    }
  }
}
