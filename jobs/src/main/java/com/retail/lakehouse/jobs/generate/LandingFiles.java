package com.retail.lakehouse.jobs.generate;

import static org.apache.spark.sql.functions.col;

import com.retail.lakehouse.jobs.bronze.Source;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * Writes generated lines as a landing directory: one gzip CSV file per name ({@code
 * <name>.csv.gz}), its source's header first, then its lines ordered by their keys. Spark's own
 * writers name their files {@code part-*} and cannot put a header before sorted lines, so each task
 * writes the files of its partition itself (to a temporary name, renamed when complete). The bytes
 * depend only on the lines and their keys: the same lines give the same files however the work was
 * split.
 */
final class LandingFiles {
  private LandingFiles() {}

  /** A generated line: its file, three sort keys, the line, and whether it is a bad line. */
  static final StructType SCHEMA =
      new StructType()
          .add("file", DataTypes.StringType, false)
          .add("k1", DataTypes.LongType, false)
          .add("k2", DataTypes.LongType, false)
          .add("k3", DataTypes.LongType, false)
          .add("line", DataTypes.StringType, false)
          .add("bad", DataTypes.BooleanType, false);

  /** What a write wrote. */
  record Written(long lines, long badLines, long transactionLines) {}

  /** Writes {@code rows} (of {@link #SCHEMA}) into {@code dir} over {@code partitions} tasks. */
  static Written write(Dataset<Row> rows, String dir, int partitions) {
    var sc = rows.sparkSession().sparkContext();
    LongAccumulator lines = sc.longAccumulator("lines");
    LongAccumulator bad = sc.longAccumulator("bad lines");
    LongAccumulator transactions = sc.longAccumulator("transaction lines");
    rows.repartition(partitions, col("file"))
        .sortWithinPartitions("file", "k1", "k2", "k3")
        .foreachPartition(
            (ForeachPartitionFunction<Row>)
                it -> writePartition(it, dir, lines, bad, transactions));
    return new Written(lines.value(), bad.value(), transactions.value());
  }

  private static void writePartition(
      Iterator<Row> rows,
      String dir,
      LongAccumulator lines,
      LongAccumulator bad,
      LongAccumulator transactions)
      throws IOException {
    String attempt = "." + TaskContext.get().taskAttemptId();
    try (FileSystem fs = fileSystem(dir, new Configuration())) {
      OpenFile open = null;
      while (rows.hasNext()) {
        Row row = rows.next();
        String file = row.getString(0);
        if (open == null || !open.name().equals(file)) {
          if (open != null) {
            open.close(fs);
          }
          open = OpenFile.create(fs, dir, file, attempt);
        }
        open.writer().write(row.getString(4));
        open.writer().write('\n');
        lines.add(1);
        bad.add(row.getBoolean(5) ? 1 : 0);
        transactions.add(file.startsWith("transactions") ? 1 : 0);
      }
      if (open != null) {
        open.close(fs);
      }
    }
  }

  /**
   * A file system of its own (not the JVM-wide cached one) that writes no checksum side files,
   * which would litter the landing directory; the caller closes it.
   */
  static FileSystem fileSystem(String dir, Configuration hadoop) throws IOException {
    FileSystem fs = FileSystem.newInstance(new Path(dir).toUri(), hadoop);
    fs.setWriteChecksum(false);
    return fs;
  }

  /** Writes {@code <name>.csv.gz} with its header only, unless a file of that name exists. */
  static void ensureFile(String dir, String name, Configuration hadoop) {
    try (FileSystem fs = fileSystem(dir, hadoop)) {
      if (!fs.exists(target(dir, name))) {
        OpenFile.create(fs, dir, name, ".driver").close(fs);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target(dir, name), e);
    }
  }

  /** The header of the source a file named {@code name} feeds. */
  static String header(String name) {
    List<Source> sources =
        Source.COMPLETE_JOURNEY.stream().filter(s -> s.matches(name + ".csv.gz")).toList();
    if (sources.size() != 1) {
      throw new IllegalArgumentException(
          name + ".csv.gz does not name one Complete Journey source");
    }
    return Csv.header(sources.get(0));
  }

  private static Path target(String dir, String name) {
    return new Path(dir, name + ".csv.gz");
  }

  /** A file being written under a temporary name, renamed to its own when closed. */
  private record OpenFile(String name, Path temporary, Path target, Writer writer) {
    static OpenFile create(FileSystem fs, String dir, String name, String attempt)
        throws IOException {
      Path target = LandingFiles.target(dir, name);
      Path temporary = new Path(dir, "." + name + ".csv.gz" + attempt + ".tmp");
      OutputStream out =
          new GZIPOutputStream(new BufferedOutputStream(fs.create(temporary, true), 1 << 16));
      Writer writer =
          new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
      writer.write(header(name));
      writer.write('\n');
      return new OpenFile(name, temporary, target, writer);
    }

    void close(FileSystem fs) throws IOException {
      writer.close();
      fs.delete(target, false);
      if (!fs.rename(temporary, target)) {
        throw new IOException("cannot rename " + temporary + " to " + target);
      }
    }
  }
}
