package com.retail.lakehouse.jobs;

import static com.retail.lakehouse.jobs.support.Frames.keysAndValues;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.jobs.support.TestSpark;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake reads a table's commits from the files of its Delta log, without Spark: its answers must
 * be Delta's own ({@code DeltaTable.history}, {@code detail}, a count), after appends, a MERGE that
 * updates and deletes, a commit without metadata and maintenance.
 */
class LakeCommitLogTest {
  private final SparkSession spark = TestSpark.get();

  @Test
  void answersAsDeltaDoes(@TempDir Path dir) {
    Lake lake = new Lake(dir.toString());
    TableId table = TableId.of("silver.commit_log");
    lake.append(
        table, keysAndValues(1, 10, 2, 20, 3, 30), "{\"progress\":{\"inputs\":{\"bronze.t\":1}}}");
    lake.append(table, keysAndValues(4, 40), null);
    DeltaTable.forPath(spark, lake.path(table))
        .as("t")
        .merge(keysAndValues(1, 11, 2, 0).as("s"), "t.k = s.k")
        .whenMatched("s.v = 0")
        .delete()
        .whenMatched()
        .updateAll()
        .execute();
    spark.sql("OPTIMIZE delta.`" + lake.path(table) + "`");
    DeltaTable delta = DeltaTable.forPath(spark, lake.path(table));

    List<Row> history = delta.history().orderBy("version").collectAsList();
    assertEquals(4, history.size());
    Row merge = history.get(2);
    assertEquals("MERGE", merge.getAs("operation"));
    // the last commit is OPTIMIZE, maintenance: the last data change is the MERGE
    assertEquals(merge.<Long>getAs("version"), lake.version(spark, table));
    assertEquals(java.util.Optional.empty(), lake.fingerprint(spark, table));
    assertEquals(
        List.of(history.get(0).<String>getAs("userMetadata")), lake.commitMetadata(spark, table));
    assertEquals(1L, lake.progress(spark, table).orElseThrow().version(TableId.of("bronze.t")));

    Lake.Identity identity = lake.identity(spark, table);
    assertEquals(delta.detail().first().<String>getAs("id"), identity.tableId());
    assertEquals(merge.<Long>getAs("version"), identity.version());
    assertEquals(history.get(3).<Long>getAs("version"), identity.snapshot());
    // the live files' bytes after OPTIMIZE, as Delta's DESCRIBE DETAIL counts them
    assertEquals(
        java.util.Optional.of(delta.detail().first().<Long>getAs("sizeInBytes")),
        lake.sizeBytes(spark, table));
    assertEquals(java.util.Optional.of(0L), lake.sizeBytes(spark, TableId.of("silver.absent")));

    // the rows: 1 updated, 2 deleted, 3 and 4 kept
    assertEquals(lake.read(spark, table).count(), lake.rowCount(spark, table));
    assertEquals(3L, lake.rowCount(spark, table));
  }

  @Test
  void aMergesCountsAreItsCommitsMetrics(@TempDir Path dir) {
    Lake lake = new Lake(dir.toString());
    TableId table = TableId.of("silver.commit_metrics");
    lake.append(table, keysAndValues(1, 10, 2, 20), null);
    DeltaTable.forPath(spark, lake.path(table))
        .as("t")
        .merge(keysAndValues(2, 21, 5, 50, 6, 60).as("s"), "t.k = s.k")
        .whenMatched()
        .updateAll()
        .whenNotMatched()
        .insertAll()
        .execute();
    Row metrics =
        DeltaTable.forPath(spark, lake.path(table))
            .history(1)
            .selectExpr(
                "operationMetrics['numTargetRowsInserted']",
                "operationMetrics['numTargetRowsUpdated']")
            .first();
    assertEquals(List.of("2", "1"), List.of(metrics.getString(0), metrics.getString(1)));
    assertEquals(2L, lake.lastCommitMetric(spark, table, "numTargetRowsInserted"));
    assertEquals(1L, lake.lastCommitMetric(spark, table, "numTargetRowsUpdated"));
    assertEquals(0L, lake.lastCommitMetric(spark, table, "noSuchMetric"));
    assertEquals(4L, lake.rowCount(spark, table));
  }

  @Test
  void aRunLogIsCheckpointedTenTimesLessOftenThanADataTable(@TempDir Path dir) throws Exception {
    Lake lake = new Lake(dir.toString());
    TableId data = TableId.of("silver.every_ten");
    TableId log = TableId.of("ops.run_log");
    for (int i = 0; i < 12; i++) {
      lake.append(data, keysAndValues(i, i));
      lake.appendToLog(log, keysAndValues(i, i));
    }
    // Delta writes a checkpoint at version 10 of a table appended to as usual; a run log's first
    // comes at version 100
    assertEquals(List.of("00000000000000000010.checkpoint.parquet"), checkpoints(lake, data));
    assertEquals(List.of(), checkpoints(lake, log));
    assertEquals(12L, lake.rowCount(spark, log));
    assertEquals(12L, lake.read(spark, log).count());
  }

  private static List<String> checkpoints(Lake lake, TableId table) throws java.io.IOException {
    try (var files = java.nio.file.Files.list(Path.of(lake.path(table), "_delta_log"))) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".checkpoint.parquet"))
          .sorted()
          .toList();
    }
  }

  @Test
  void anAppendItsWriterAlreadyCommittedIsSkippedAsDeltaSkipsIt(@TempDir Path dir) {
    Lake lake = new Lake(dir.toString());
    TableId table = TableId.of("bronze.pages");
    assertTrue(lake.appendOnce(table, keysAndValues(1, 10), "extract", 5));
    // the same pages again, and an older retry: nothing committed
    assertFalse(lake.appendOnce(table, keysAndValues(1, 10), "extract", 5));
    assertFalse(lake.appendOnce(table, keysAndValues(2, 20), "extract", 4));
    // another writer, then a later version of the first: committed
    assertTrue(lake.appendOnce(table, keysAndValues(2, 20), "other", 5));
    assertTrue(lake.appendOnce(table, keysAndValues(3, 30), "extract", 6));
    assertFalse(lake.appendOnce(table, keysAndValues(3, 30), "other", 5));

    assertEquals(2L, lake.version(spark, table));
    assertEquals(
        List.of(List.of(1L, 10L), List.of(2L, 20L), List.of(3L, 30L)),
        lake.read(spark, table).orderBy("k").collectAsList().stream()
            .map(r -> List.of(r.getLong(0), r.getLong(1)))
            .toList());
  }
}
