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

  StageResult run(SparkSession spark, JobContext ctx);
}
