package com.retail.lakehouse.common.cli;

import org.apache.spark.sql.SparkSession;

/** One stage of the pipeline: reads, transforms through pure functions, writes. */
public interface Job {
  /** The stage name used in the audit and on the command line. */
  String stage();

  StageResult run(SparkSession spark, JobContext ctx);
}
