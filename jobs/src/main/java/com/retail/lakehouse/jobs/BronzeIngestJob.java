package com.retail.lakehouse.jobs;

import static org.apache.spark.sql.functions.col;

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
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
      lake.append(
          table,
          BronzeRows.withIngestMetadata(read, source, FILE_NAME, ctx.runId(), ingestedAt),
          filesMetadata(fresh));
      long rows = lake.lastCommitRows(spark, table);
      LOG.info(
          "{}: ingested {} rows from {}", table, rows, fresh.stream().map(Path::getName).toList());
      result.read(source.table(), rows).written(source.table(), rows);
    }
    if (!anyFile) {
      throw new UserError(
          "no Complete Journey CSV files in "
              + ctx.settings().sourcesRoot()
              + " (pass --sources DIR)");
    }
    StageResult built = result.build();
    return built.details().isEmpty() ? StageResult.skipped() : built;
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
