package com.retail.lakehouse.jobs;

import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.cli.StageSpec;
import com.retail.lakehouse.common.cli.StageSpec.Need;
import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.publish.Postgres;
import com.retail.lakehouse.common.publish.PostgresPublisher;
import com.retail.lakehouse.common.publish.ServedChanges;
import com.retail.lakehouse.jobs.recommend.HoldOut;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Publishes every gold table into the serving PostgreSQL schema, each atomically; the shop's order
 * gold tables are published when the lake has them. Recommendations that the recommendations
 * stage's gate found worse than the popularity baseline are held back: the previous version stays
 * served and the audit row carries the warning.
 */
public final class PublishJob implements Job {
  private static final Logger LOG = LogManager.getLogger(PublishJob.class);

  /** The run and quality history, served for dashboards beside the gold tables. */
  static final List<TableId> HISTORY =
      List.of(Tables.OPS_PIPELINE_RUNS, Tables.OPS_QUALITY_CHECKS, Tables.OPS_TABLE_FRESHNESS);

  /** The primary key of each served history table. */
  static final Map<TableId, List<String>> HISTORY_KEYS =
      Map.of(
          Tables.OPS_PIPELINE_RUNS, List.of("run_id", "stage", "started_at"),
          Tables.OPS_QUALITY_CHECKS, List.of("run_id", "stage", "checked_at", "table_name", "rule"),
          Tables.OPS_TABLE_FRESHNESS, List.of("run_id", "stage", "checked_at", "table_name"));

  /** The primary key of each served table. */
  static final Map<TableId, List<String>> PRIMARY_KEYS =
      Map.ofEntries(
          Map.entry(Tables.GOLD_CUSTOMER_SUMMARY, List.of("household_id")),
          Map.entry(Tables.GOLD_PRODUCT_PERFORMANCE, List.of("product_id")),
          Map.entry(Tables.GOLD_SALES_BY_DAY_DEPARTMENT, List.of("sales_date", "department")),
          Map.entry(Tables.GOLD_SALES_BY_DAY_PRODUCT, List.of("sales_date", "product_id")),
          Map.entry(Tables.GOLD_SALES_BY_BASKET_DEPARTMENT, List.of("basket_id", "department")),
          Map.entry(Tables.GOLD_FREQUENT_ITEMSETS, List.of("items")),
          Map.entry(Tables.GOLD_ASSOCIATION_RULES, List.of("antecedent", "consequent")),
          Map.entry(Tables.GOLD_CUSTOMER_RECOMMENDATIONS, List.of("household_id", "rank")),
          Map.entry(Tables.GOLD_ORDER_KPIS, List.of("order_date", "channel")),
          Map.entry(Tables.GOLD_PRODUCT_PROFIT, List.of("product_id")),
          Map.entry(Tables.GOLD_SALES_BY_REGION, List.of("postcode_area")),
          Map.entry(
              Tables.GOLD_ORDER_SALES_BY_DAY,
              List.of("order_date", "postcode_area", "customer_key")),
          Map.entry(Tables.GOLD_PRODUCT_PROFIT_BY_DAY, List.of("order_date", "product_id")));

  private final boolean orderTablesOnly;

  /** Publishes every gold table. */
  public PublishJob() {
    this(false);
  }

  private PublishJob(boolean orderTablesOnly) {
    this.orderTablesOnly = orderTablesOnly;
  }

  /**
   * Publishes only the shop's order gold tables (after an erasure, or where the Complete Journey
   * tables are not built).
   */
  public static PublishJob orderTablesOnly() {
    return new PublishJob(true);
  }

  static final StageSpec SPEC =
      StageSpec.stage("publish", PublishJob.class)
          .describedAs("every gold table into the serving PostgreSQL, each atomically")
          .reads(Tables.GOLD_TABLES)
          .readsWhenPresent(Tables.ORDER_GOLD_TABLES)
          .readsWhenPresent(HISTORY)
          .readsWhenPresent(List.of(Tables.OPS_RECOMMENDATION_EVALUATIONS)) // the gate's verdicts
          .needs(Need.DATABASE)
          .build();

  public static void main(String[] args) {
    Stages.run(new PublishJob(), args);
  }

  /** The publish of the order tables alone: what an erasure republishes. */
  private static final StageSpec ORDER_TABLES_ONLY =
      StageSpec.stage("publish", PublishJob.class)
          .describedAs("the shop's order gold tables into the serving PostgreSQL")
          .reads(Tables.ORDER_GOLD_TABLES)
          .needs(Need.DATABASE)
          .build();

  @Override
  public StageSpec spec() {
    return orderTablesOnly ? ORDER_TABLES_ONLY : SPEC;
  }

  @Override
  public StageResult run(SparkSession spark, JobContext ctx) {
    Lake lake = ctx.lake();
    Settings.Postgres conf = ctx.settings().postgres();
    Postgres target =
        ctx.database()
            .map(db -> db.withRetries(conf.connectTries(), conf.connectBackoff()))
            .orElseGet(() -> Postgres.configured(conf));
    PostgresPublisher publisher =
        new PostgresPublisher(
            target, conf.schema(), conf.publishPartitions(), conf.publishChangesMinRows());
    StageResult.Builder result = new StageResult.Builder();
    boolean anyPublished = false;
    List<String> warnings = new java.util.ArrayList<>();
    List<TableId> tables =
        new java.util.ArrayList<>(orderTablesOnly ? List.of() : Tables.GOLD_TABLES);
    // The shop's order tables exist once the orders stages have run.
    Tables.ORDER_GOLD_TABLES.stream().filter(t -> lake.exists(spark, t)).forEach(tables::add);
    for (TableId table : tables) {
      Optional<String> heldBack =
          table.equals(Tables.GOLD_CUSTOMER_RECOMMENDATIONS)
              ? HoldOut.heldBack(spark, lake)
              : Optional.empty();
      if (heldBack.isPresent()) {
        LOG.warn(heldBack.get());
        result.warn(heldBack.get());
        warnings.add(heldBack.get());
        continue;
      }
      // the version published is the version read, whatever is committed meanwhile
      Lake.Identity source = lake.identity(spark, table);
      Dataset<Row> rows = lake.readAt(spark, table, source.snapshot());
      PostgresPublisher.Outcome outcome =
          publish(
              spark,
              ctx,
              publisher,
              table,
              rows,
              PRIMARY_KEYS.get(table),
              source,
              source.snapshot());
      LOG.info(
          "{} version {} -> {}.{}: {} rows{}",
          table,
          source.version(),
          conf.schema(),
          table.name(),
          outcome.rows(),
          outcome.upToDate() ? " (already published)" : "");
      anyPublished |= !outcome.upToDate();
      if (!outcome.upToDate()) {
        result.read(table.name(), outcome.copied()).written(table.name(), outcome.copied());
      }
    }
    if (!orderTablesOnly) {
      publishHistory(spark, ctx, publisher, result);
    }
    return anyPublished ? result.build() : StageResult.skippedWithWarnings(warnings);
  }

  /**
   * Publishes {@code rows}, version {@code read} of {@code table} (whose last data change is {@code
   * source}): by what changed since the version served (the change data feed) when it can, whole on
   * a {@code --full-refresh}.
   */
  private static PostgresPublisher.Outcome publish(
      SparkSession spark,
      JobContext ctx,
      PostgresPublisher publisher,
      TableId table,
      Dataset<Row> rows,
      List<String> key,
      Lake.Identity source,
      long read) {
    return publisher.publish(
        rows,
        table.name(),
        key,
        source,
        ctx.runId(),
        ctx.force()
            ? ServedChanges.Feed.NONE
            : ServedChanges.of(spark, ctx.lake(), table, read, rows, key));
  }

  /**
   * Serves the run and quality history (without the audit's detail map). It changes with every
   * stage run, this one's included, so it does not count towards the stage's outcome: a publish
   * with no gold table to serve is still up to date.
   */
  private static void publishHistory(
      SparkSession spark, JobContext ctx, PostgresPublisher publisher, StageResult.Builder result) {
    Lake lake = ctx.lake();
    for (TableId table : HISTORY) {
      if (lake.exists(spark, table)) {
        Lake.Identity source = lake.identity(spark, table);
        Dataset<Row> rows = lake.readAt(spark, table, source.version());
        if (java.util.Arrays.asList(rows.columns()).contains("details")) {
          rows = rows.drop("details");
        }
        PostgresPublisher.Outcome outcome =
            publish(
                spark,
                ctx,
                publisher,
                table,
                rows,
                HISTORY_KEYS.get(table),
                source,
                source.version());
        result.detail(table.name() + ".served", outcome.rows());
      }
    }
  }
}
