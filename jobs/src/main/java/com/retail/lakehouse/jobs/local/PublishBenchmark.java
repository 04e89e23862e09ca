package com.retail.lakehouse.jobs.local;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.JobOptions;
import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.publish.EmbeddedDatabase;
import com.retail.lakehouse.common.publish.Postgres;
import com.retail.lakehouse.common.publish.PostgresPublisher;
import com.retail.lakehouse.common.publish.ServingSchema;
import com.retail.lakehouse.common.spark.Sessions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.kohsuke.args4j.Option;

/**
 * {@code bin/pipeline bench-publish}: the publish rate of the COPY path (parallel COPY into
 * staging, count and checksum verified, swap) beside Spark's own JDBC writer (batched INSERTs), on
 * the same synthetic table shaped like {@code gold.product_performance}, in one run.
 */
public final class PublishBenchmark {
  /** Options of {@code bin/pipeline bench-publish}. */
  public static final class Options extends JobOptions {
    @Option(name = "--rows", metaVar = "N", usage = "rows of the synthetic table")
    public long rows = 1_000_000;

    @Option(
        name = "--partitions",
        metaVar = "P",
        usage = "parallel streams of both writers (default: postgres.publish-partitions)")
    public int partitions;
  }

  private PublishBenchmark() {}

  /** The rows, cached so that both writers time writing and not generating. */
  static Dataset<Row> productPerformance(SparkSession spark, long rows, int partitions) {
    return spark
        .range(0, rows, 1, partitions)
        .select(
            col("id").plus(1_000_000).as("product_id"),
            concat(lit("DEPARTMENT "), pmod(col("id"), lit(40)).cast("string")).as("department"),
            concat(lit("Brand \"B\", "), pmod(col("id"), lit(7)).cast("string")).as("brand"),
            concat(lit("CATEGORY "), pmod(col("id"), lit(300)).cast("string"))
                .as("product_category"),
            concat(lit("type "), pmod(col("id"), lit(2000)).cast("string")).as("product_type"),
            pmod(col("id"), lit(5000)).as("baskets"),
            pmod(col("id"), lit(2500)).as("households"),
            pmod(col("id"), lit(9000)).as("quantity"),
            pmod(col("id"), lit(100000)).divide(100).cast("decimal(12,2)").as("revenue"),
            pmod(col("id"), lit(3000)).divide(-100).cast("decimal(12,2)").as("discounts"),
            col("id").plus(1).cast("int").as("rank_by_baskets"));
  }

  public static int run(Options o, PrintStream out) {
    if (o.rows < 1) {
      throw new UserError("--rows must be at least 1 (got " + o.rows + ")");
    }
    Settings settings = o.settings();
    int partitions = o.partitions > 0 ? o.partitions : settings.postgres().publishPartitions();
    EmbeddedDatabase embedded = null;
    Postgres db;
    if (settings.postgres().isConfigured()) {
      db = Postgres.configured(settings.postgres());
    } else {
      try {
        embedded = EmbeddedDatabase.start(Files.createTempDirectory("bench-publish-pg"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      db = embedded.postgres();
    }
    try {
      SparkSession spark = Sessions.create("retail-lakehouse-bench-publish", settings);
      Dataset<Row> data = productPerformance(spark, o.rows, partitions).cache();
      long rows = data.count();
      out.printf(
          "bench-publish: %,d rows shaped like gold.product_performance, %d partitions, into %s%n",
          rows, partitions, embedded != null ? "an embedded PostgreSQL" : db.url());
      String schema = "bench_publish";
      ServingSchema.migrate(db, schema); // once, before the clocks start

      long started = System.nanoTime();
      new PostgresPublisher(db, schema, partitions)
          .publish(
              data,
              "product_performance",
              List.of("product_id"),
              System.currentTimeMillis(),
              "bench-publish");
      double copySeconds = (System.nanoTime() - started) / 1e9;

      Properties props = new Properties();
      props.setProperty("user", db.user());
      props.setProperty("password", db.password());
      props.setProperty("driver", "org.postgresql.Driver");
      props.setProperty("batchsize", "10000");
      started = System.nanoTime();
      data.write()
          .mode(SaveMode.Overwrite)
          .jdbc(db.url(), schema + ".product_performance_spark_jdbc", props);
      double jdbcSeconds = (System.nanoTime() - started) / 1e9;
      // what the COPY path also does: the served table's key and index
      started = System.nanoTime();
      try (Connection c = db.connect();
          Statement st = c.createStatement()) {
        st.execute(
            "ALTER TABLE "
                + schema
                + ".product_performance_spark_jdbc ADD PRIMARY KEY (product_id)");
        st.execute(
            "CREATE INDEX ON "
                + schema
                + ".product_performance_spark_jdbc (department, rank_by_baskets)");
      } catch (SQLException e) {
        throw new IllegalStateException("indexing the JDBC writer's table: " + e.getMessage(), e);
      }
      double indexSeconds = (System.nanoTime() - started) / 1e9;

      line(out, "COPY publish (staging, checksum, swap)", rows, copySeconds);
      line(out, "Spark JDBC writer (batchsize 10000)", rows, jdbcSeconds);
      line(out, "Spark JDBC writer + the same key, index", rows, jdbcSeconds + indexSeconds);
      out.printf(
          "COPY publish: %.1fx the rate of Spark's JDBC writer alone, %.1fx with the key and index"
              + " (and the JDBC writer neither verifies nor swaps: a failure leaves a half-written"
              + " table)%n",
          jdbcSeconds / copySeconds, (jdbcSeconds + indexSeconds) / copySeconds);
      return 0;
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  private static void line(PrintStream out, String what, long rows, double seconds) {
    out.printf("  %-40s %,12d rows %9.1f s %,12.0f rows/s%n", what, rows, seconds, rows / seconds);
  }
}
