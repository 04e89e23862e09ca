package com.retail.lakehouse.common.cli;

import org.apache.spark.sql.SparkSession;

/** One stage of the pipeline: reads, transforms through pure functions, writes. */
public interface Job {
  /** What the stage reads, writes and needs: declared once, read by everything else. */
  StageSpec spec();

  /** The stage name used in the audit and on the command line. */
  default String stage() {
    return spec().name();
  }

  /**
   * Checks what the stage alone can check before Spark starts (its part of the configuration);
   * throws {@link com.retail.lakehouse.common.UserError} with one line when something is wrong.
   */
  default void validate(JobContext ctx) {}

  StageResult run(SparkSession spark, JobContext ctx);
}
