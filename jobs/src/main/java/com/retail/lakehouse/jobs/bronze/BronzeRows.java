package com.retail.lakehouse.jobs.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.retail.lakehouse.common.quality.Cleaner;
import java.sql.Timestamp;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Pure transforms of raw CSV rows into bronze rows. */
public final class BronzeRows {
  private BronzeRows() {}

  /** Why a row is kept aside by bronze: the reader could not split it into the source's fields. */
  public static final String ERROR = "_error";

  /** The read schema of a file: every column of its header a string, plus malformed lines. */
  public static StructType readSchema(java.util.List<String> header) {
    StructType schema = new StructType();
    for (String c : header) {
      schema = schema.add(c, DataTypes.StringType, true);
    }
    return schema.add(Cleaner.CORRUPT_RECORD, DataTypes.StringType, true);
  }

  /**
   * Adds the ingestion metadata and the reason of malformed lines. {@code fileName} is the column
   * holding the source file's name.
   */
  public static Dataset<Row> withIngestMetadata(
      Dataset<Row> read, int fields, String fileNameColumn, String batchId, Timestamp ingestedAt) {
    return read.withColumn(
            ERROR,
            when(
                col(Cleaner.CORRUPT_RECORD).isNotNull(),
                lit(
                    "malformed CSV line: cannot be read as the "
                        + fields
                        + " fields of the header")))
        .withColumn("_source_file", col(fileNameColumn))
        .withColumn("_ingested_at", lit(ingestedAt))
        .withColumn("_batch_id", lit(batchId))
        .drop(fileNameColumn);
  }
}
