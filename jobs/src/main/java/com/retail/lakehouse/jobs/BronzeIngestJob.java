package com.retail.lakehouse.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

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
import com.retail.lakehouse.common.quality.QualityCheck;
import com.retail.lakehouse.common.quality.QualityGate;
import com.retail.lakehouse.jobs.bronze.BronzeRows;
import com.retail.lakehouse.jobs.bronze.Landing;
import com.retail.lakehouse.jobs.bronze.SchemaDrift;
import com.retail.lakehouse.jobs.bronze.Source;
import com.retail.lakehouse.jobs.silver.SilverSource;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Column;
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
    List<QualityCheck> checks = new ArrayList<>();
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
      // Each source is one commit of its own: a file that cannot be read (or a required column
      // missing) leaves its table as it was and the other sources are ingested all the same.
      try {
        Map<List<String>, List<Path>> byHeader = new LinkedHashMap<>();
        fresh.forEach(
            f -> byHeader.computeIfAbsent(landing.header(f), h -> new ArrayList<>()).add(f));
        List<SchemaDrift> drifts = new ArrayList<>();
        byHeader.forEach(
            (header, group) ->
                group.forEach(
                    f -> {
                      SchemaDrift d =
                          SchemaDrift.of(f.getName(), header, source.columns(), required(source));
                      if (d.drifted()) {
                        drifts.add(d);
                      }
                    }));
        checks.add(SchemaDrift.check(table.toString(), fresh.size(), drifts));
        if (drifts.stream().anyMatch(SchemaDrift::fatal)) {
          LOG.error("{}: not ingested: {}", table, drifts.get(0).describe());
          continue; // this source waits for a corrected file; the others go on
        }
        drifts.forEach(d -> LOG.warn("{}: {}", table, d.describe()));
        long rows = ingest(spark, ctx, source, byHeader, fresh, ingestedAt);
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
      throw combined(failures, result.isEmpty());
    }
    // a source whose file lacks a required column stops the stage, after the others are in
    QualityGate.requireNoFailure(checks);
    StageResult built = result.checks(checks).build();
    return result.isEmpty() ? StageResult.skipped() : built;
  }

  /**
   * Files sharing a header, read by column name: the source's columns (an optional one missing from
   * the header is empty), then any extra column, every value a string as read.
   */
  private static Dataset<Row> read(
      SparkSession spark,
      Source source,
      List<String> header,
      List<Path> files,
      JobContext ctx,
      Timestamp ingestedAt) {
    Dataset<Row> raw =
        spark
            .read()
            .schema(BronzeRows.readSchema(header))
            .option("header", "true")
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", Cleaner.CORRUPT_RECORD)
            .csv(files.stream().map(Path::toString).toArray(String[]::new))
            .withColumn(FILE_NAME, col("_metadata.file_name"));
    List<Column> columns = new ArrayList<>();
    for (String c : source.columns()) {
      columns.add(header.contains(c) ? col(c) : lit(null).cast("string").as(c));
    }
    header.stream().filter(c -> !source.columns().contains(c)).forEach(c -> columns.add(col(c)));
    columns.add(col(Cleaner.CORRUPT_RECORD));
    columns.add(col(FILE_NAME));
    return BronzeRows.withIngestMetadata(
        raw.select(columns.toArray(Column[]::new)),
        header.size(),
        FILE_NAME,
        ctx.runId(),
        ingestedAt);
  }

  /** The columns silver cannot do without (its contract's key fields). */
  static Set<String> required(Source source) {
    return SilverSource.ALL.stream()
        .filter(s -> s.name().equals(source.table()))
        .flatMap(s -> s.spec().fields().stream())
        .filter(com.retail.lakehouse.common.quality.Field::required)
        .map(com.retail.lakehouse.common.quality.Field::name)
        .collect(java.util.stream.Collectors.toSet());
  }

  /** Appends the new files of one source in one commit; returns the rows written. */
  private long ingest(
      SparkSession spark,
      JobContext ctx,
      Source source,
      Map<List<String>, List<Path>> byHeader,
      List<Path> fresh,
      Timestamp ingestedAt) {
    TableId table = Tables.bronze(source.table());
    Dataset<Row> read = null;
    for (Map.Entry<List<String>, List<Path>> group : byHeader.entrySet()) {
      Dataset<Row> part = read(spark, source, group.getKey(), group.getValue(), ctx, ingestedAt);
      read = read == null ? part : read.unionByName(part, true);
    }
    beforeRead.accept(source, fresh);
    ctx.lake().append(table, read, filesMetadata(fresh));
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
