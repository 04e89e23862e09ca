package com.retail.lakehouse.common.lake;

import com.retail.lakehouse.common.UserError;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Delta lake under one root: path-based tables at {@code <root>/<layer>/<table>}.
 *
 * <p>Whole-table writes carry a fingerprint of what they were computed from (input table versions,
 * logical date, parameters) in the Delta commit's {@code userMetadata}; a stage whose outputs all
 * carry the fingerprint it would write again is up to date and writes nothing.
 */
public final class Lake {
  private final String root;

  public Lake(String root) {
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  public String root() {
    return root;
  }

  public String path(TableId table) {
    return root + "/" + table.layer() + "/" + table.name();
  }

  public boolean exists(SparkSession spark, TableId table) {
    return DeltaTable.isDeltaTable(spark, path(table));
  }

  public Dataset<Row> read(SparkSession spark, TableId table) {
    return spark.read().format("delta").load(path(table));
  }

  /** The table's current Delta version, or -1 when it does not exist yet. */
  public long version(SparkSession spark, TableId table) {
    return lastCommit(spark, table).map(r -> r.getLong(0)).orElse(-1L);
  }

  /** The fingerprint of the table's last commit, if that commit carried one. */
  public Optional<String> fingerprint(SparkSession spark, TableId table) {
    return lastCommit(spark, table).map(r -> r.isNullAt(1) ? null : r.getString(1));
  }

  /** True when every table exists and its last commit carries exactly this fingerprint. */
  public boolean upToDate(SparkSession spark, String fingerprint, List<TableId> tables) {
    return tables.stream()
        .allMatch(t -> fingerprint(spark, t).map(fingerprint::equals).orElse(false));
  }

  /** Rows written by the table's last commit (Delta's {@code numOutputRows}), 0 when unknown. */
  public long lastCommitRows(SparkSession spark, TableId table) {
    List<Row> rows =
        DeltaTable.forPath(spark, path(table))
            .history(1)
            .selectExpr("operationMetrics['numOutputRows']")
            .collectAsList();
    return rows.isEmpty() || rows.get(0).isNullAt(0) ? 0 : Long.parseLong(rows.get(0).getString(0));
  }

  /**
   * Replaces the whole table (schema included) in one commit that records the fingerprint; returns
   * the rows written.
   */
  public long replace(TableId table, Dataset<Row> data, String fingerprint) {
    data.write()
        .format("delta")
        .mode("overwrite")
        .option("overwriteSchema", "true")
        .option("userMetadata", fingerprint)
        .save(path(table));
    return lastCommitRows(data.sparkSession(), table);
  }

  /** Fails, naming the stage to run first, when an input table does not exist. */
  public void requireTables(SparkSession spark, List<TableId> inputs, String producingStage) {
    for (TableId input : inputs) {
      if (!exists(spark, input)) {
        throw new UserError(
            input + " does not exist in " + root + ": run the " + producingStage + " stage first");
      }
    }
  }

  /** Appends rows in one commit. */
  public void append(TableId table, Dataset<Row> data) {
    append(table, data, null);
  }

  /** Appends rows in one commit that carries {@code userMetadata} (may be null). */
  public void append(TableId table, Dataset<Row> data, String userMetadata) {
    var writer = data.write().format("delta").mode("append").option("mergeSchema", "true");
    if (userMetadata != null) {
      writer = writer.option("userMetadata", userMetadata);
    }
    writer.save(path(table));
  }

  /** The {@code userMetadata} of every commit of the table that carried one, oldest first. */
  public List<String> commitMetadata(SparkSession spark, TableId table) {
    if (!exists(spark, table)) {
      return List.of();
    }
    return DeltaTable.forPath(spark, path(table))
        .history()
        .filter("userMetadata IS NOT NULL")
        .orderBy("version")
        .select("userMetadata")
        .collectAsList()
        .stream()
        .map(r -> r.getString(0))
        .toList();
  }

  /**
   * Appends rows in one commit that Delta applies at most once per {@code (appId, version)}: a
   * retried write with a version not above the table's last one for {@code appId} is skipped.
   * Returns true when the rows were committed, false when Delta skipped them as already written.
   */
  public boolean appendOnce(TableId table, Dataset<Row> data, String appId, long version) {
    SparkSession spark = data.sparkSession();
    long before = version(spark, table);
    data.write()
        .format("delta")
        .mode("append")
        .option("txnAppId", appId)
        .option("txnVersion", version)
        .save(path(table));
    return version(spark, table) != before;
  }

  /** Every Delta table under the root, as layer.table. */
  public List<TableId> tables(SparkSession spark) {
    List<TableId> found = new ArrayList<>();
    try {
      Path rootPath = new Path(root);
      FileSystem fs = rootPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(rootPath)) {
        return found;
      }
      for (FileStatus layer : fs.listStatus(rootPath)) {
        if (!layer.isDirectory()) {
          continue;
        }
        for (FileStatus table : fs.listStatus(layer.getPath())) {
          if (fs.exists(new Path(table.getPath(), "_delta_log"))) {
            found.add(new TableId(layer.getPath().getName(), table.getPath().getName()));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the lake at " + root, e);
    }
    found.sort((a, b) -> a.toString().compareTo(b.toString()));
    return found;
  }

  /**
   * Registers every table of the lake in the session catalog, so SQL can address it as layer.table.
   * Returns the tables registered.
   */
  public List<TableId> register(SparkSession spark) {
    List<TableId> tables = tables(spark);
    for (TableId t : tables) {
      spark.sql("CREATE DATABASE IF NOT EXISTS `" + t.layer() + "`");
      spark.sql(
          "CREATE TABLE IF NOT EXISTS `"
              + t.layer()
              + "`.`"
              + t.name()
              + "` USING delta LOCATION '"
              + path(t).replace("'", "\\'")
              + "'");
    }
    return tables;
  }

  private Optional<Row> lastCommit(SparkSession spark, TableId table) {
    if (!exists(spark, table)) {
      return Optional.empty();
    }
    List<Row> rows =
        DeltaTable.forPath(spark, path(table))
            .history(1)
            .select("version", "userMetadata")
            .collectAsList();
    return rows.stream().findFirst();
  }
}
