package com.retail.lakehouse.jobs;

import static org.apache.spark.sql.functions.col;

import com.retail.lakehouse.common.RunFailure;
import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.cli.StageSpec;
import com.retail.lakehouse.common.cli.StageSpec.Mode;
import com.retail.lakehouse.common.cli.StageSpec.Need;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.quality.Cleaner;
import com.retail.lakehouse.jobs.bronze.BronzeRows;
import com.retail.lakehouse.jobs.bronze.Landing;
import com.retail.lakehouse.jobs.bronze.Source;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Bronze ingest: every Complete Journey CSV file of the landing directory not ingested before is
 * appended, as read (all strings), to {@code bronze.<table>}, one commit per table. Malformed lines
 * are kept with the reason in {@code _error}.
 */
public final class BronzeIngestJob implements Job {
  private static final Logger LOG = LogManager.getLogger(BronzeIngestJob.class);
  private static final String FILE_NAME = "_file_name";
  private static final String FILES = "files=";

  static final StageSpec SPEC =
      StageSpec.stage("bronze", BronzeIngestJob.class)
          .describedAs("new Complete Journey CSV files of the landing directory, as read")
          .writes(
              Mode.APPEND,
              Source.COMPLETE_JOURNEY.stream().map(s -> Tables.bronze(s.table())).toList())
          .needs(Need.LANDING)
          .build();

  /**
   * Runs after a source's files are listed for reading and before they are read: tests make a file
   * vanish here, as one can between an orchestrator's listing and Spark's read.
   */
  BiConsumer<Source, List<Path>> beforeRead = (source, files) -> {};

  public static void main(String[] args) {
    Stages.run(new BronzeIngestJob(), args);
  }

  @Override
  public StageSpec spec() {
    return SPEC;
  }

  @Override
  public StageResult run(SparkSession spark, JobContext ctx) {
    Landing landing =
        new Landing(ctx.settings().sourcesRoot(), spark.sparkContext().hadoopConfiguration());
    Lake lake = ctx.lake();
    Timestamp ingestedAt = Timestamp.from(Instant.now());
    StageResult.Builder result = new StageResult.Builder();
    boolean anyFile = false;
    List<RuntimeException> failures = new ArrayList<>();
    for (Source source : Source.COMPLETE_JOURNEY) {
      TableId table = Tables.bronze(source.table());
      List<Path> files = landing.files(source);
      anyFile |= !files.isEmpty();
      Set<String> done = ingestedFiles(spark, lake, table);
      List<Path> fresh = files.stream().filter(f -> !done.contains(f.getName())).toList();
      if (fresh.isEmpty()) {
        LOG.info("{}: no new files ({} already ingested)", table, done.size());
        continue;
      }
      // Each source is one commit of its own: a file that cannot be read leaves its table as it
      // was and the other sources are ingested all the same.
      try {
        long rows = ingest(spark, ctx, landing, source, fresh, ingestedAt);
        result.read(source.table(), rows).written(source.table(), rows);
      } catch (Exception e) { // also Spark's SparkException, checked but thrown from Scala
        RuntimeException failure = Landing.readFailure(table, fresh, e);
        LOG.error("{}", failure.getMessage());
        failures.add(failure);
      }
    }
    if (!anyFile) {
      throw new UserError(
          "no Complete Journey CSV files in "
              + ctx.settings().sourcesRoot()
              + " (pass --sources DIR)");
    }
    if (!failures.isEmpty()) {
      throw combined(failures, result.build().details().isEmpty());
    }
    StageResult built = result.build();
    return built.details().isEmpty() ? StageResult.skipped() : built;
  }

  /** Appends the new files of one source in one commit; returns the rows written. */
  private long ingest(
      SparkSession spark,
      JobContext ctx,
      Landing landing,
      Source source,
      List<Path> fresh,
      Timestamp ingestedAt) {
    TableId table = Tables.bronze(source.table());
    fresh.forEach(f -> landing.checkHeader(source, f));
    Dataset<Row> read =
        spark
            .read()
            .schema(BronzeRows.readSchema(source))
            .option("header", "true")
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", Cleaner.CORRUPT_RECORD)
            .csv(fresh.stream().map(Path::toString).toArray(String[]::new))
            .withColumn(FILE_NAME, col("_metadata.file_name"));
    beforeRead.accept(source, fresh);
    ctx.lake()
        .append(
            table,
            BronzeRows.withIngestMetadata(read, source, FILE_NAME, ctx.runId(), ingestedAt),
            filesMetadata(fresh));
    long rows = ctx.lake().lastCommitRows(spark, table);
    LOG.info(
        "{}: ingested {} rows from {}", table, rows, fresh.stream().map(Path::getName).toList());
    return rows;
  }

  /**
   * One failure for the sources that could not be ingested: a usage error when every one of them is
   * (a file with the wrong header), else a run failure; its message names each.
   */
  private static RuntimeException combined(List<RuntimeException> failures, boolean nothingElse) {
    String message =
        String.join("; ", failures.stream().map(RuntimeException::getMessage).toList())
            + (nothingElse ? "" : " (the other sources were ingested)");
    return failures.stream().allMatch(f -> f instanceof UserError)
        ? new UserError(message, failures.get(0))
        : new RunFailure(message, failures.get(0));
  }

  /** Each bronze append records the files it read in its commit: "files=a.csv.gz,b.csv.gz". */
  static String filesMetadata(List<Path> files) {
    return FILES + String.join(",", files.stream().map(Path::getName).toList());
  }

  /** The files ingested into the table so far, from its commits' metadata (no data is read). */
  static Set<String> ingestedFiles(SparkSession spark, Lake lake, TableId table) {
    Set<String> names = new HashSet<>();
    for (String metadata : lake.commitMetadata(spark, table)) {
      if (metadata.startsWith(FILES)) {
        names.addAll(Arrays.asList(metadata.substring(FILES.length()).split(",")));
      }
    }
    return names;
  }
}
