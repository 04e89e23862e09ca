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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delta commits nothing for a MERGE that changes no row: the progress such a MERGE carries must
 * still be recorded, or the stage redoes the same work at every run and is never up to date (after
 * a daily run in which households changed, silver resolved its late households again and again).
 */
class MergeRecordingTest {
  private final SparkSession spark = TestSpark.get();

  @Test
  void aMergeThatChangesNoRowStillRecordsWhatItCarries(@TempDir Path dir) {
    Lake lake = new Lake(dir.toString());
    TableId table = TableId.of("silver.merge_recording");
    lake.append(table, keysAndValues(1, 10, 2, 20), "first");

    // key 3 is not in the table: nothing to update, and Delta makes no commit of it
    assertFalse(
        lake.mergeRecording(spark, table, "second", updateFrom(lake, table, keysAndValues(3, 30))));
    assertEquals(List.of("first", "second"), lake.commitMetadata(spark, table));
    assertEquals(30L, sum(lake, table));

    assertTrue(
        lake.mergeRecording(spark, table, "third", updateFrom(lake, table, keysAndValues(2, 25))));
    assertEquals(List.of("first", "second", "third"), lake.commitMetadata(spark, table));
    assertEquals(35L, sum(lake, table));
  }

  private Runnable updateFrom(Lake lake, TableId table, Dataset<Row> source) {
    return () ->
        DeltaTable.forPath(spark, lake.path(table))
            .as("t")
            .merge(source.as("s"), "t.k = s.k")
            .whenMatched()
            .updateAll()
            .execute();
  }

  private long sum(Lake lake, TableId table) {
    return lake.read(spark, table).agg(org.apache.spark.sql.functions.sum("v")).first().getLong(0);
  }
}
