package com.retail.lakehouse.common.publish;

import static org.apache.spark.sql.functions.col;

import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import java.util.List;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What changed in a lake table since the version a database serves: the primary keys of the rows
 * inserted, updated or deleted after that version, the rows the table has for those keys now (none
 * for a key deleted), and the rows its {@code MERGE} commits since changed, read from the commit
 * log without reading data ({@code merged}; {@link Lake#rowsMergedSince}). {@link ChangePublish}
 * applies them in place of copying the whole table.
 */
public record ServedChanges(Dataset<Row> keys, Dataset<Row> rows, long merged) {
  private static final Logger LOG = LogManager.getLogger(ServedChanges.class);

  /** The changes since a served version, or empty when they cannot be told. */
  @FunctionalInterface
  public interface Feed {
    /** Nothing told: every publish copies the whole table. */
    Feed NONE = served -> Optional.empty();

    Optional<ServedChanges> since(long servedVersion);
  }

  /**
   * The changes of {@code table} from Delta's change data feed, up to {@code version}, whose rows
   * are {@code now}: the keys of every change row after the served version, and the rows of {@code
   * now} with those keys. Empty when the feed cannot be read (switched off, or its files vacuumed):
   * the table is then published whole.
   */
  public static Feed of(
      SparkSession spark,
      Lake lake,
      TableId table,
      long version,
      Dataset<Row> now,
      List<String> key) {
    return served -> {
      if (key.isEmpty() || served >= version) {
        return Optional.empty();
      }
      try {
        Column[] columns = key.stream().map(k -> col(k)).toArray(Column[]::new);
        Dataset<Row> keys = lake.changes(spark, table, served, version).select(columns).distinct();
        Dataset<Row> rows =
            now.join(
                keys, scala.jdk.javaapi.CollectionConverters.asScala(key).toSeq(), "left_semi");
        return Optional.of(
            new ServedChanges(keys, rows, lake.rowsMergedSince(spark, table, served)));
      } catch (Exception e) { // Delta's analysis errors are checked exceptions thrown from Scala
        LOG.info(
            "{}: no change data feed after version {} ({}): publishing it whole",
            table,
            served,
            e.getMessage());
        return Optional.empty();
      }
    };
  }
}
