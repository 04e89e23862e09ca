package com.retail.lakehouse.common.lake;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * What a stage's outputs were computed from: the stage, its parameters and the Delta version of
 * each input table. Stored in the output commits; equal fingerprints mean nothing to redo.
 */
public final class Fingerprint {
  private Fingerprint() {}

  public static String of(
      SparkSession spark, Lake lake, String stage, String parameters, List<TableId> inputs) {
    String versions =
        inputs.stream().map(t -> t + "@" + lake.version(spark, t)).collect(Collectors.joining(","));
    return stage + "|" + parameters + "|" + versions;
  }
}
