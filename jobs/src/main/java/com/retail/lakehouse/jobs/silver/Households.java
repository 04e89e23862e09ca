package com.retail.lakehouse.jobs.silver;

import static org.apache.spark.sql.functions.col;

import com.retail.lakehouse.common.quality.Cleaner;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Pure transforms around the household dimension. */
public final class Households {
  private Households() {}

  /** The transaction's calendar date (in the session time zone, UTC). */
  public static Dataset<Row> withTransactionDate(Dataset<Row> transactions) {
    return transactions.withColumn("transaction_date", col("transaction_timestamp").cast("date"));
  }

  /**
   * One row per household seen in the transactions or the demographics, with its demographics where
   * known and {@code has_demographics}.
   */
  public static Dataset<Row> toHouseholds(Dataset<Row> transactions, Dataset<Row> demographics) {
    Dataset<Row> ids =
        transactions.select("household_id").union(demographics.select("household_id")).distinct();
    Dataset<Row> demo =
        demographics
            .drop("_source_file", "_batch_id", "_ingested_at", Cleaner.DQ_FLAGS)
            .withColumn("has_demographics", org.apache.spark.sql.functions.lit(true));
    return ids.join(demo, "household_id", "left")
        .na()
        .fill(false, new String[] {"has_demographics"})
        .orderBy("household_id");
  }
}
