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
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Delta lake under one root: path-based tables at {@code <root>/<layer>/<table>}.
 *
 * <p>Whole-table writes carry a fingerprint of what they were computed from (input table versions,
 * logical date, parameters) in the Delta commit's {@code userMetadata}; a stage whose outputs all
 * carry the fingerprint it would write again is up to date and writes nothing.
 *
 * <p>A table's version, as the stages and publish see it, is its last commit that changed data: the
 * commits of maintenance ({@code OPTIMIZE}, {@code VACUUM}) rewrite or delete files without
 * changing a row, so they neither make a stage's outputs stale nor a published table old.
 */
public final class Lake {
  private static final Logger LOG = LogManager.getLogger(Lake.class);
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
    if (DeltaTable.isDeltaTable(spark, path(table))) {
      return true;
    }
    // Delta answers from the log it cached when this session first looked, which does not see a
    // table another process has created since (a long-lived session, such as bin/chaos's driver):
    // when the file system has a commit, the cached log is dropped and read again
    if (!hasCommit(spark, table)) {
      return false;
    }
    org.apache.spark.sql.delta.DeltaLog.invalidateCache(spark, new Path(path(table)));
    return DeltaTable.isDeltaTable(spark, path(table));
  }

  /** Whether the table's {@code _delta_log} holds a commit or a checkpoint, on the file system. */
  private boolean hasCommit(SparkSession spark, TableId table) {
    Path log = new Path(path(table), "_delta_log");
    FileSystem fs = fileSystem(spark, table);
    try {
      if (!fs.exists(log)) {
        return false;
      }
      for (FileStatus f : fs.listStatus(log)) {
        String name = f.getPath().getName();
        if (name.matches("\\d{20}\\.json") || name.matches("\\d{20}\\.checkpoint.*\\.parquet")) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + log, e);
    }
  }

  public Dataset<Row> read(SparkSession spark, TableId table) {
    return spark.read().format("delta").load(path(table));
  }

  /** Operations of maintenance: they change files, never rows. */
  public static final List<String> MAINTENANCE = List.of("OPTIMIZE", "VACUUM START", "VACUUM END");

  /**
   * The version of the table's last commit that changed data (maintenance commits aside), or -1
   * when it does not exist yet.
   */
  public long version(SparkSession spark, TableId table) {
    return lastDataCommit(spark, table).map(CommitLog.Commit::version).orElse(-1L);
  }

  /** The fingerprint of the table's last commit that changed data, if that commit carried one. */
  public Optional<String> fingerprint(SparkSession spark, TableId table) {
    return lastDataCommit(spark, table).map(CommitLog.Commit::userMetadata);
  }

  /** True when every table exists and its last commit carries exactly this fingerprint. */
  public boolean upToDate(SparkSession spark, String fingerprint, List<TableId> tables) {
    return tables.stream()
        .allMatch(t -> fingerprint(spark, t).map(fingerprint::equals).orElse(false));
  }

  /** The table's rows now: from its log's checksum file when it lists them, counted otherwise. */
  public long rowCount(SparkSession spark, TableId table) {
    return CommitLog.rows(fileSystem(spark, table), new Path(path(table)))
        .orElseGet(() -> read(spark, table).count());
  }

  /**
   * The bytes of the table's files now, from its log's checksum file (no Spark job): 0 for a table
   * not created yet, empty when Delta wrote no checksum for its latest version.
   */
  public Optional<Long> sizeBytes(SparkSession spark, TableId table) {
    return CommitLog.sizeBytes(fileSystem(spark, table), new Path(path(table)));
  }

  /** Rows written by the table's last commit (Delta's {@code numOutputRows}), 0 when unknown. */
  public long lastCommitRows(SparkSession spark, TableId table) {
    return lastCommitMetric(spark, table, "numOutputRows");
  }

  /**
   * One operation metric of the table's last commit ({@code numTargetRowsUpdated}...), 0 when
   * absent.
   */
  public long lastCommitMetric(SparkSession spark, TableId table, String metric) {
    List<CommitLog.Commit> last = recentCommits(spark, table, 1);
    String value = last.isEmpty() ? null : last.get(0).metrics().get(metric);
    return value == null ? 0 : Long.parseLong(value);
  }

  /**
   * The rows the {@code MERGE} commits after {@code version} inserted, updated and deleted, summed
   * from their operation metrics (no data read): an estimate of the rows changed since, in which a
   * key two commits changed counts twice and other commits count nothing.
   */
  public long rowsMergedSince(SparkSession spark, TableId table, long version) {
    long rows = 0;
    for (CommitLog.Commit c :
        CommitLog.since(fileSystem(spark, table), new Path(path(table)), version)) {
      if (c.operation() != null && c.operation().equals("MERGE")) {
        for (String metric :
            List.of("numTargetRowsInserted", "numTargetRowsUpdated", "numTargetRowsDeleted")) {
          rows += Long.parseLong(c.metrics().getOrDefault(metric, "0"));
        }
      }
    }
    return rows;
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

  /**
   * The progress recorded by the latest commit of the table that carried one (other commits, such
   * as maintenance, carry none); empty for a table that does not exist or never recorded any.
   */
  public Optional<Progress> progress(SparkSession spark, TableId table) {
    if (!exists(spark, table)) {
      return Optional.empty();
    }
    return recentCommits(spark, table, PROGRESS_LOOKBACK).stream()
        .map(CommitLog.Commit::userMetadata)
        .filter(java.util.Objects::nonNull)
        .map(Progress::parse)
        .flatMap(Optional::stream)
        .findFirst();
  }

  /** Commits searched back for a table's progress. */
  private static final int PROGRESS_LOOKBACK = 50;

  /** The table as of a version (time travel). */
  public Dataset<Row> readAt(SparkSession spark, TableId table, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(path(table));
  }

  /**
   * The rows the commits after {@code fromExclusive} up to {@code toInclusive} inserted, updated
   * (pre- and post-image) or deleted, from Delta's change data feed: the table's columns plus
   * {@code _change_type}, {@code _commit_version} and {@code _commit_timestamp}.
   */
  public Dataset<Row> changes(
      SparkSession spark, TableId table, long fromExclusive, long toInclusive) {
    return spark
        .read()
        .format("delta")
        .option("readChangeFeed", "true")
        .option("startingVersion", fromExclusive + 1)
        .option("endingVersion", toInclusive)
        .load(path(table));
  }

  /**
   * Runs writes whose Delta commits carry {@code metadata} in {@code userMetadata} (a MERGE, an
   * UPDATE or a DELETE takes no writer option; this is the session setting Delta reads instead).
   */
  public static void withCommitMetadata(SparkSession spark, String metadata, Runnable writes) {
    String key = "spark.databricks.delta.commitInfo.userMetadata";
    spark.conf().set(key, metadata);
    try {
      writes.run();
    } finally {
      spark.conf().unset(key);
    }
  }

  /**
   * Runs {@code merge} (a Delta MERGE into {@code table}) in a commit carrying {@code metadata}. A
   * MERGE that changes no row commits nothing, which would leave the progress or fingerprint it
   * carries unrecorded (the stage would then redo the same work at every run, never up to date):
   * then an empty commit records {@code metadata} alone. Returns whether the MERGE committed.
   */
  public boolean mergeRecording(
      SparkSession spark, TableId table, String metadata, Runnable merge) {
    long before = version(spark, table);
    withCommitMetadata(spark, metadata, merge);
    if (version(spark, table) != before) {
      return true;
    }
    commitMetadataOnly(table, metadata);
    return false;
  }

  /**
   * Makes the table equal to {@code whole} (its complete new content) by a MERGE on the key: rows
   * that changed are updated, new keys inserted, vanished keys deleted, equal rows left alone. The
   * commit carries {@code metadata}. Returns the rows inserted, updated and deleted.
   */
  public long mergeWhole(TableId table, Dataset<Row> whole, List<String> key, String metadata) {
    List<String> others =
        java.util.Arrays.stream(whole.columns()).filter(c -> !key.contains(c)).toList();
    return mergeWhole(table, whole, key, others, metadata);
  }

  /**
   * As {@link #mergeWhole(TableId, Dataset, List, String)}, but a row counts as changed only when
   * one of the {@code compared} columns differs (columns that record when a row was read do not).
   */
  public long mergeWhole(
      TableId table, Dataset<Row> whole, List<String> key, List<String> compared, String metadata) {
    SparkSession spark = whole.sparkSession();
    Dataset<Row> source = whole.localCheckpoint();
    String on = String.join(" AND ", key.stream().map(k -> "t." + k + " = s." + k).toList());
    String changed =
        "NOT ("
            + String.join(
                " AND ", compared.stream().map(c -> "t.`" + c + "` <=> s.`" + c + "`").toList())
            + ")";
    boolean committed =
        mergeRecording(
            spark,
            table,
            metadata,
            () ->
                DeltaTable.forPath(spark, path(table))
                    .as("t")
                    .merge(source.as("s"), on)
                    .whenMatched(changed)
                    .updateAll()
                    .whenNotMatched()
                    .insertAll()
                    .whenNotMatchedBySource()
                    .delete()
                    .execute());
    if (!committed) {
      return 0;
    }
    return lastCommitMetric(spark, table, "numTargetRowsInserted")
        + lastCommitMetric(spark, table, "numTargetRowsUpdated")
        + lastCommitMetric(spark, table, "numTargetRowsDeleted");
  }

  /**
   * Replaces the rows matching {@code predicate} with {@code rows} (which must all match it) in one
   * commit carrying {@code metadata}; returns the rows written.
   */
  public long replaceWhere(TableId table, Dataset<Row> rows, String predicate, String metadata) {
    rows.write()
        .format("delta")
        .mode("overwrite")
        .option("replaceWhere", predicate)
        .option("userMetadata", metadata)
        .save(path(table));
    return lastCommitRows(rows.sparkSession(), table);
  }

  /**
   * A commit that changes no row and records {@code metadata} (a run that found nothing to do).
   * Delta skips a commit without a file or metadata change unless told not to.
   */
  public long commitMetadataOnly(TableId table, String metadata) {
    SparkSession spark = SparkSession.active();
    String key = "spark.databricks.delta.skipRecordingEmptyCommits";
    spark.conf().set(key, "false");
    try {
      append(table, read(spark, table).limit(0), metadata);
    } finally {
      spark.conf().unset(key);
    }
    return 0;
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
    var writer = appending(data);
    if (userMetadata != null) {
      writer = writer.option("userMetadata", userMetadata);
    }
    writer.save(path(table));
  }

  /**
   * Commits between two checkpoints of a run log ({@link #appendToLog}), against Delta's 10: every
   * stage run appends to {@code ops.pipeline_runs}, so with Delta's default a run of the pipeline
   * wrote a checkpoint of it nearly every time, several seconds in a stage's cold JVM (the table's
   * state rebuilt, checked against its checksum, written as Parquet); reading up to 99 small commit
   * files costs far less.
   */
  public static final int LOG_CHECKPOINT_INTERVAL = 100;

  /**
   * Appends rows to a log that every stage run adds to (the run audit, the quality history): as
   * {@link #append(TableId, Dataset)}, and a table it creates is checkpointed every {@value
   * #LOG_CHECKPOINT_INTERVAL} commits.
   */
  public void appendToLog(TableId table, Dataset<Row> rows) {
    appending(rows).option("delta.checkpointInterval", LOG_CHECKPOINT_INTERVAL).save(path(table));
  }

  /** A writer that appends, adding the columns the table lacks. */
  private static DataFrameWriter<Row> appending(Dataset<Row> data) {
    return data.write().format("delta").mode("append").option("mergeSchema", "true");
  }

  /** The {@code userMetadata} of every commit of the table that carried one, oldest first. */
  public List<String> commitMetadata(SparkSession spark, TableId table) {
    if (!exists(spark, table)) {
      return List.of();
    }
    List<String> metadata =
        new ArrayList<>(
            recentCommits(spark, table, Integer.MAX_VALUE).stream()
                .map(CommitLog.Commit::userMetadata)
                .filter(java.util.Objects::nonNull)
                .toList());
    java.util.Collections.reverse(metadata);
    return metadata;
  }

  /**
   * Appends rows in one commit that Delta applies at most once per {@code (appId, version)}: a
   * retried write with a version not above the table's last one for {@code appId} is skipped.
   * Returns true when the rows were committed, false when Delta skipped them as already written.
   * When the last commit's checksum file already records {@code version} or a later one for {@code
   * appId}, the append is skipped as Delta would skip it, without planning the write (2 s of a
   * rerun's orders extraction, which fetches its overlap again).
   */
  public boolean appendOnce(TableId table, Dataset<Row> data, String appId, long version) {
    SparkSession spark = data.sparkSession();
    Optional<Long> recorded =
        CommitLog.transactionVersion(fileSystem(spark, table), new Path(path(table)), appId);
    if (recorded.isPresent() && recorded.get() >= version) {
      return false;
    }
    long before = version(spark, table);
    data.write()
        .format("delta")
        .mode("append")
        .option("txnAppId", appId)
        .option("txnVersion", version)
        .save(path(table));
    return version(spark, table) != before;
  }

  /**
   * Every Delta table under the root, as layer.table: directories with at least one commit. A
   * directory whose {@code _delta_log} holds no commit (a first write killed before it committed)
   * is not a table; see {@link #uncommitted}.
   */
  public List<TableId> tables(SparkSession spark) {
    List<TableId> found = new ArrayList<>();
    for (TableId t : candidates(spark)) {
      if (exists(spark, t)) {
        found.add(t);
      }
    }
    return found;
  }

  /**
   * Directories that look like tables ({@code <layer>/<table>/_delta_log}) but hold no commit: what
   * a first write leaves when it is killed before its commit. Readers skip them; the next run of
   * the stage that writes the table recreates it over them (its stray data files are never read,
   * and {@code bin/pipeline maintain} vacuums them).
   */
  public List<TableId> uncommitted(SparkSession spark) {
    List<TableId> found = new ArrayList<>();
    for (TableId t : candidates(spark)) {
      if (!exists(spark, t)) {
        found.add(t);
      }
    }
    return found;
  }

  /** Directories {@code <layer>/<table>} with a {@code _delta_log}, sorted by name. */
  private List<TableId> candidates(SparkSession spark) {
    List<TableId> found = new ArrayList<>();
    try {
      Path rootPath = new Path(root);
      FileSystem fs = rootPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(rootPath)) {
        return found;
      }
      for (FileStatus layer : fs.listStatus(rootPath)) {
        if (!layer.isDirectory() || !TableId.isIdentifier(layer.getPath().getName())) {
          continue; // _locks and anything else that is not a layer
        }
        for (FileStatus table : fs.listStatus(layer.getPath())) {
          String name = table.getPath().getName();
          if (table.isDirectory() && fs.exists(new Path(table.getPath(), "_delta_log"))) {
            if (TableId.isIdentifier(name)) {
              found.add(new TableId(layer.getPath().getName(), name));
            } else {
              LOG.warn("{} is not a table name (lower-case letters, digits, _): left out", name);
            }
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
      // layer and name are checked identifiers (TableId); the path is a string literal
      spark.sql("CREATE DATABASE IF NOT EXISTS `" + t.layer() + "`");
      spark.sql(
          "CREATE TABLE IF NOT EXISTS `"
              + t.layer()
              + "`.`"
              + t.name()
              + "` USING delta LOCATION '"
              + path(t).replace("\\", "\\\\").replace("'", "\\'")
              + "'");
    }
    return tables;
  }

  /**
   * The table's identity: Delta's table id (a UUID fixed when the table is created, new when it is
   * re-created) and its current version, read from one snapshot.
   */
  public Identity identity(SparkSession spark, TableId table) {
    List<CommitLog.Commit> recent = recentCommits(spark, table, MAINTENANCE.size() + 20);
    long snapshot = recent.get(0).version();
    long version =
        recent.stream()
            .filter(c -> !MAINTENANCE.contains(c.operation()))
            .findFirst()
            .map(CommitLog.Commit::version)
            .orElseGet(() -> version(spark, table));
    String id =
        CommitLog.tableId(fileSystem(spark, table), new Path(path(table)), snapshot)
            .orElseGet(
                () ->
                    DeltaTable.forPath(spark, path(table))
                        .detail()
                        .select("id")
                        .collectAsList()
                        .get(0)
                        .getString(0));
    return new Identity(id, version, snapshot);
  }

  /**
   * A version of a table, unique across lakes and re-creations: Delta's table id and the version of
   * its last data change; {@code snapshot} is the version to read it at (the same rows, later
   * maintenance included, so files a vacuum removed are not needed).
   */
  public record Identity(String tableId, long version, long snapshot) {
    /** A version whose last data change is the version itself. */
    public Identity(String tableId, long version) {
      this(tableId, version, version);
    }

    @Override
    public String toString() {
      return tableId + "@" + version;
    }
  }

  /** The last commit that changed data. */
  private Optional<CommitLog.Commit> lastDataCommit(SparkSession spark, TableId table) {
    if (!exists(spark, table)) {
      return Optional.empty();
    }
    // maintenance adds a few commits a week: the last data change is almost always among the
    // last few commits, read without reading the whole log
    for (int n : new int[] {1, MAINTENANCE.size() + 20, Integer.MAX_VALUE}) {
      List<CommitLog.Commit> recent = recentCommits(spark, table, n);
      Optional<CommitLog.Commit> data =
          recent.stream().filter(c -> !MAINTENANCE.contains(c.operation())).findFirst();
      if (data.isPresent() || recent.size() < n) {
        return data;
      }
    }
    return Optional.empty();
  }

  /** The table's last {@code n} commits, newest first. */
  private List<CommitLog.Commit> recentCommits(SparkSession spark, TableId table, int n) {
    return CommitLog.recent(fileSystem(spark, table), new Path(path(table)), n);
  }

  private FileSystem fileSystem(SparkSession spark, TableId table) {
    try {
      return new Path(path(table)).getFileSystem(spark.sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new UncheckedIOException("no file system for " + path(table), e);
    }
  }
}
