package com.retail.lakehouse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.retail.lakehouse.common.lake.local.LocalFiles;
import com.retail.lakehouse.jobs.support.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A session's local paths go through {@link LocalFiles}; Delta commits through it as before. */
class SessionFilesTest {
  private final SparkSession spark = TestSpark.get();

  @Test
  void theSessionWritesLocalPathsThroughLocalFiles(@TempDir Path dir) throws Exception {
    var conf = spark.sessionState().newHadoopConf();
    assertInstanceOf(LocalFiles.class, FileSystem.get(dir.toUri(), conf));
    assertInstanceOf(
        LocalFiles.Fs.class, FileContext.getFileContext(dir.toUri(), conf).getDefaultFileSystem());

    String table = dir.resolve("t").toString();
    spark.range(3).write().format("delta").save(table);
    spark.range(3, 5).write().format("delta").mode("append").save(table);

    assertEquals(
        10L, spark.read().format("delta").load(table).selectExpr("sum(id)").first().getLong(0));
    Path log = dir.resolve("t/_delta_log");
    for (String f : new String[] {"00000000000000000000.json", "00000000000000000001.json"}) {
      assertEquals(
          PosixFilePermissions.fromString("rw-r--r--"),
          Files.getPosixFilePermissions(log.resolve(f)),
          f);
    }
  }
}
