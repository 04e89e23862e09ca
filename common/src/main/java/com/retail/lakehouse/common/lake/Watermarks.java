package com.retail.lakehouse.common.lake;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * How far each incremental source has been committed to bronze: one row per source in {@code
 * ops.watermarks}. A job reads its watermark before extracting and advances it only after its
 * bronze commit succeeded, so a failed run leaves it where it was.
 */
public final class Watermarks {
  private Watermarks() {}

  public static final StructType SCHEMA =
      new StructType()
          .add("source", DataTypes.StringType, false)
          .add("watermark", DataTypes.TimestampType, false)
          .add("updated_at", DataTypes.TimestampType, false)
          .add("batch_id", DataTypes.StringType, false);

  /** The committed watermark of a source, empty before its first successful run. */
  public static Optional<Instant> read(SparkSession spark, Lake lake, String source) {
    if (!lake.exists(spark, Tables.OPS_WATERMARKS)) {
      return Optional.empty();
    }
    List<Row> rows =
        lake.read(spark, Tables.OPS_WATERMARKS)
            .where(col("source").equalTo(source))
            .select("watermark")
            .collectAsList();
    return rows.stream().findFirst().map(r -> r.getTimestamp(0).toInstant());
  }

  /**
   * Moves the source's watermark forward to {@code watermark} in one commit; a watermark that is
   * not later than the stored one leaves the row as it is. Returns true when the row changed.
   */
  public static boolean advance(
      SparkSession spark,
      Lake lake,
      String source,
      Instant watermark,
      String batchId,
      Instant updatedAt) {
    Row row =
        RowFactory.create(source, Timestamp.from(watermark), Timestamp.from(updatedAt), batchId);
    var update = spark.createDataFrame(List.of(row), SCHEMA).coalesce(1);
    if (!lake.exists(spark, Tables.OPS_WATERMARKS)) {
      lake.append(Tables.OPS_WATERMARKS, update);
      return true;
    }
    Optional<Instant> current = read(spark, lake, source);
    if (current.isPresent() && !watermark.isAfter(current.get())) {
      return false;
    }
    DeltaTable.forPath(spark, lake.path(Tables.OPS_WATERMARKS))
        .as("t")
        .merge(update.as("s"), "t.source = s.source")
        .whenMatched("s.watermark > t.watermark")
        .updateAll()
        .whenNotMatched()
        .insertAll()
        .execute();
    return true;
  }

  /** Every source's row, for tools and tests: source → watermark. */
  public static Map<String, Instant> all(SparkSession spark, Lake lake) {
    if (!lake.exists(spark, Tables.OPS_WATERMARKS)) {
      return Map.of();
    }
    Map<String, Instant> result = new TreeMap<>();
    lake.read(spark, Tables.OPS_WATERMARKS)
        .select("source", "watermark")
        .collectAsList()
        .forEach(r -> result.put(r.getString(0), r.getTimestamp(1).toInstant()));
    return result;
  }
}
