package com.retail.lakehouse.jobs.silver;

import static org.apache.spark.sql.functions.col;

import com.retail.lakehouse.common.quality.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How a batch of kept rows joins a silver table keyed by its natural key: a row is written when its
 * key is new or when it is a later version of a stored row (ingested later, or from a later file at
 * the same time), the same rule {@link Cleaner#dedupeByKey} applies within a batch; so merging the
 * batches one by one gives the table a full recompute gives.
 */
public final class SilverMerge {
  private SilverMerge() {}

  private static final String STORED_AT = "_stored_ingested_at";
  private static final String STORED_FILE = "_stored_source_file";

  /** An inclusive range of transaction dates, to prune a fact table's files by their statistics. */
  public record DateRange(String column, java.sql.Date from, java.sql.Date to) {
    Column covers(String alias) {
      Column c = col(alias == null ? column : alias + "." + column);
      return c.geq(org.apache.spark.sql.functions.lit(from))
          .and(c.leq(org.apache.spark.sql.functions.lit(to)));
    }

    String sql(String alias) {
      return alias + "." + column + " BETWEEN DATE'" + from + "' AND DATE'" + to + "'";
    }
  }

  /**
   * The rows of {@code batch} (one per key) that are new to {@code stored} or later versions of a
   * stored row. {@code range}, when given, limits the stored rows looked at (every batch row lies
   * in it).
   */
  public static Dataset<Row> newOrNewer(
      Dataset<Row> batch, Dataset<Row> stored, List<String> key, Optional<DateRange> range) {
    Dataset<Row> candidates = range.map(r -> stored.filter(r.covers(null))).orElse(stored);
    List<Column> cols = new ArrayList<>();
    key.forEach(k -> cols.add(col(k)));
    cols.add(col("_ingested_at").as(STORED_AT));
    cols.add(col("_source_file").as(STORED_FILE));
    return batch
        .join(candidates.select(cols.toArray(Column[]::new)), asSeq(key), "left")
        .filter(
            col(STORED_AT)
                .isNull()
                .or(col("_ingested_at").gt(col(STORED_AT)))
                .or(
                    col("_ingested_at")
                        .equalTo(col(STORED_AT))
                        .and(col("_source_file").gt(col(STORED_FILE)))))
        .drop(STORED_AT, STORED_FILE);
  }

  /** The MERGE condition joining a batch ({@code s}) to the stored table ({@code t}) on the key. */
  public static String onKey(List<String> key, Optional<DateRange> range) {
    List<String> parts = new ArrayList<>();
    key.forEach(k -> parts.add("t." + k + " = s." + k));
    range.ifPresent(r -> parts.add(r.sql("t")));
    return String.join(" AND ", parts);
  }

  /** The MERGE's update condition: the batch row is a later version of the stored one. */
  public static final String LATER_VERSION =
      "s._ingested_at > t._ingested_at OR (s._ingested_at = t._ingested_at"
          + " AND s._source_file > t._source_file)";

  /**
   * Merges {@code rows} (new keys or later versions, see {@link #newOrNewer}) into the source's
   * silver table by its natural key, in a commit carrying {@code metadata} (may be null). {@code
   * range}, when given, covers every row's date and prunes the stored files read.
   */
  public static void merge(
      org.apache.spark.sql.SparkSession spark,
      com.retail.lakehouse.common.lake.Lake lake,
      SilverSource source,
      Dataset<Row> rows,
      Optional<DateRange> range,
      String metadata) {
    com.retail.lakehouse.common.lake.TableId target = source.target().orElseThrow();
    Runnable merge =
        () ->
            io.delta.tables.DeltaTable.forPath(spark, lake.path(target))
                .as("t")
                .merge(rows.as("s"), onKey(source.spec().naturalKey(), range))
                .whenMatched(LATER_VERSION)
                .updateAll()
                .whenNotMatched()
                .insertAll()
                .execute();
    if (metadata == null) {
      merge.run();
    } else {
      lake.mergeRecording(spark, target, metadata, merge);
    }
  }

  private static scala.collection.immutable.Seq<String> asSeq(List<String> key) {
    return scala.jdk.javaapi.CollectionConverters.asScala(key).toSeq();
  }
}
