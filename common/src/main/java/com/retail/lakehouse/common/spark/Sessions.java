package com.retail.lakehouse.common.spark;

import com.retail.lakehouse.common.config.Settings;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession every job uses: Delta enabled, the configured Spark settings applied. */
public final class Sessions {
  private Sessions() {}

  /**
   * The settings that make a session Delta-aware, kept in one place; new tables record their change
   * data feed, which the incremental stages read to find what changed since their last run.
   */
  public static final Map<String, String> DELTA =
      Map.of(
          "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
          "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog",
          "spark.databricks.delta.properties.defaults.enableChangeDataFeed", "true");

  /**
   * Gets or creates the session. The master is not set here: spark-submit gives it on a cluster,
   * and the local runner sets {@code spark.master} before calling this.
   */
  public static SparkSession create(String appName, Settings settings) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    settings.sparkConf().forEach(builder::config);
    DELTA.forEach(builder::config);
    return builder.getOrCreate();
  }
}
