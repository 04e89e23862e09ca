package com.retail.lakehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.jobs.support.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long-lived session (bin/chaos's driver) looks at a table before another process commits it:
 * Delta's cached log still says "no table", the file system says otherwise, and the lake believes
 * the file system.
 */
class LakeExistsTest {
  private final SparkSession spark = TestSpark.get();

  @Test
  void aTableCommittedByAnotherProcessIsSeenAfterThisSessionFoundNone(@TempDir Path dir)
      throws IOException {
    Lake lake = new Lake(dir.resolve("lake").toString());
    TableId table = TableId.of("bronze.late_table");
    Path tableDir = Path.of(lake.path(table));
    // what a first write killed before its commit leaves: a log without a commit
    Files.createDirectories(tableDir.resolve("_delta_log"));
    assertFalse(lake.exists(spark, table));
    assertEquals(List.of(table), lake.uncommitted(spark));

    // another process commits the table: its files appear, this session wrote none of them
    Lake other = new Lake(dir.resolve("other").toString());
    other.append(table, spark.range(3).toDF("id"), null);
    copyTree(Path.of(other.path(table)), tableDir);

    assertTrue(lake.exists(spark, table));
    assertEquals(List.of(table), lake.tables(spark));
    assertEquals(List.of(), lake.uncommitted(spark));
    assertEquals(3L, lake.read(spark, table).count());
    assertEquals(0L, lake.version(spark, table));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
