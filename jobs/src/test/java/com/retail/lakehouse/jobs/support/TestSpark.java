package com.retail.lakehouse.jobs.support;

import com.retail.lakehouse.common.spark.Sessions;
import org.apache.spark.sql.SparkSession;

/** The one local SparkSession of the whole test run: never stopped between tests. */
public final class TestSpark {
  private static SparkSession session;

  private TestSpark() {}

  public static synchronized SparkSession get() {
    if (session == null) {
      SparkSession.Builder builder =
          SparkSession.builder()
              .master("local[2]")
              .appName("retail-lakehouse-tests")
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.default.parallelism", "2")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.session.timeZone", "UTC")
              .config("spark.databricks.delta.snapshotPartitions", "2")
              // VACUUM lists files in this many tasks (default 10,000)
              .config("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2")
              // The tests' tables have a few rows to a few thousand: compiling each query's
              // generated code (Janino) cost more than running it, a quarter of IncrementalTest's
              // CPU. Interpreted, the same operators give the same rows (the pipeline keeps
              // Spark's code generation: at the sample's size and above it pays).
              .config("spark.sql.codegen.wholeStage", "false")
              .config("spark.sql.codegen.factoryMode", "NO_CODEGEN");
      Sessions.COMMON.forEach(builder::config);
      session = builder.getOrCreate();
      Sessions.alignTimeZone(session); // as the jobs' sessions do
    }
    return session;
  }
}
