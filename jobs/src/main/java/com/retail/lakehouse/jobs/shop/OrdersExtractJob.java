package com.retail.lakehouse.jobs.shop;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.cli.StageSpec;
import com.retail.lakehouse.common.cli.StageSpec.Mode;
import com.retail.lakehouse.common.cli.StageSpec.Need;
import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.lake.Watermarks;
import com.retail.lakehouse.jobs.Stages;
import com.retail.lakehouse.jobs.shop.OrdersApiClient.Extraction;
import com.retail.lakehouse.jobs.shop.OrdersApiClient.OrdersApiException;
import com.retail.lakehouse.jobs.shop.OrdersApiClient.Page;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Orders extraction: the pages of the shop's orders API updated since the last run land in {@code
 * bronze.orders_raw} exactly as received, so a run can be replayed without calling the API again.
 *
 * <p>The first run reads everything; later runs ask for the orders updated since the stored
 * watermark minus {@code orders-api.overlap}, to catch updates that reach the API late (bronze then
 * holds some orders twice; silver keeps the latest version of each). All pages of a run are fetched
 * into memory first (a run's pages are small) and appended in one Delta commit; only after that
 * commit is the watermark in {@code ops.watermarks} advanced to the latest {@code updated_at} seen.
 * A failure anywhere before leaves bronze and the watermark as they were, and the rerun fetches the
 * same orders again.
 *
 * <p>The commit is idempotent: its Delta transaction version is the latest {@code updated_at} of
 * the run (in microseconds), so a run that committed but died before advancing the watermark, rerun
 * over the same orders, is skipped by Delta instead of appended twice.
 */
public final class OrdersExtractJob implements Job {
  private static final Logger LOG = LogManager.getLogger(OrdersExtractJob.class);

  /** The source's name in {@code ops.watermarks} and in the rows' {@code _source}. */
  public static final String SOURCE = "orders_api";

  /** The application id of the idempotent Delta appends to {@code bronze.orders_raw}. */
  static final String TXN_APP_ID = "orders_extract";

  public static final StructType SCHEMA =
      new StructType()
          .add("page_number", DataTypes.IntegerType, false)
          .add("request", DataTypes.StringType, false)
          .add("body", DataTypes.StringType, false)
          .add("order_count", DataTypes.IntegerType, false)
          .add("_source", DataTypes.StringType, false)
          .add("_ingested_at", DataTypes.TimestampType, false)
          .add("_batch_id", DataTypes.StringType, false);

  private final OrdersApiClient.Sleeper sleeper;

  /** Runs just before the bronze commit; tests make it throw to simulate a crash. */
  Runnable beforeCommit = () -> {};

  /** Runs between the bronze commit and the watermark's advance; tests make it throw too. */
  Runnable beforeWatermark = () -> {};

  public OrdersExtractJob() {
    this(OrdersApiClient.Sleeper.REAL);
  }

  OrdersExtractJob(OrdersApiClient.Sleeper sleeper) {
    this.sleeper = sleeper;
  }

  static final StageSpec SPEC =
      StageSpec.stage("orders_extract", OrdersExtractJob.class)
          .describedAs("pages of the shop's orders API updated since the watermark, as received")
          .writes(Mode.APPEND, Tables.BRONZE_ORDERS_RAW)
          .writes(Mode.MERGE, Tables.OPS_WATERMARKS)
          .needs(Need.SHOP_API)
          .build();

  public static void main(String[] args) {
    Stages.run(new OrdersExtractJob(), args);
  }

  @Override
  public StageSpec spec() {
    return SPEC;
  }

  @Override
  public StageResult run(SparkSession spark, JobContext ctx) {
    Settings.OrdersApi api = ctx.settings().ordersApi();
    if (!api.isConfigured()) {
      throw new UserError(
          "no orders API configured: pass --orders-api URL (or set orders-api.url)");
    }
    Lake lake = ctx.lake();
    Optional<Instant> watermark = Watermarks.read(spark, lake, SOURCE);
    Optional<Instant> since = watermark.map(w -> w.minus(api.overlap()));
    LOG.info(
        "{}: {} from {}",
        stage(),
        watermark.isEmpty()
            ? "full extraction (no watermark yet)"
            : "incremental extraction from "
                + since.get()
                + " (watermark "
                + watermark.get()
                + " minus overlap "
                + api.overlap()
                + ")",
        api.url());

    Extraction extraction;
    try {
      extraction = OrdersApiClient.of(api, sleeper).fetch(since);
    } catch (OrdersApiException e) {
      OrdersApiException failure =
          new OrdersApiException(e.getMessage() + "; " + unchanged(watermark));
      failure.addSuppressed(e);
      throw failure;
    }
    StageResult.Builder result =
        new StageResult.Builder().read(SOURCE + ".orders", extraction.orderCount());
    Optional<Instant> newWatermark = extraction.maxUpdatedAt();
    if (newWatermark.isEmpty()) {
      LOG.info("{}: no order updated since {}, nothing written", stage(), since.orElse(null));
      return StageResult.skipped();
    }

    Dataset<Row> pages = toRows(spark, extraction.pages(), ctx.runId(), Instant.now());
    beforeCommit.run();
    boolean committed =
        lake.appendOnce(
            Tables.BRONZE_ORDERS_RAW,
            pages,
            TXN_APP_ID,
            ChronoUnit.MICROS.between(Instant.EPOCH, newWatermark.get()));
    LOG.info(
        committed
            ? "{}: {} pages ({} orders) appended to {} in one commit"
            : "{}: {} pages ({} orders) were already committed to {}: Delta skipped the append",
        stage(),
        extraction.pages().size(),
        extraction.orderCount(),
        Tables.BRONZE_ORDERS_RAW);
    beforeWatermark.run();
    boolean moved =
        Watermarks.advance(spark, lake, SOURCE, newWatermark.get(), ctx.runId(), Instant.now());
    LOG.info(
        moved
            ? "{}: watermark of {} advanced to {}"
            : "{}: watermark of {} kept: {} is not after it",
        stage(),
        SOURCE,
        newWatermark.get());
    return committed
        ? result.written(Tables.BRONZE_ORDERS_RAW.name(), extraction.pages().size()).build()
        : StageResult.skipped();
  }

  /** The pages as bronze rows: body exactly as received, with where and when it came from. */
  static Dataset<Row> toRows(
      SparkSession spark, List<Page> pages, String batchId, Instant ingestedAt) {
    Timestamp at = Timestamp.from(ingestedAt);
    List<Row> rows =
        pages.stream()
            .map(
                p ->
                    RowFactory.create(
                        p.number(), p.request(), p.body(), p.orderCount(), SOURCE, at, batchId))
            .toList();
    return spark.createDataFrame(rows, SCHEMA).coalesce(1);
  }

  private static String unchanged(Optional<Instant> watermark) {
    return "nothing was written to "
        + Tables.BRONZE_ORDERS_RAW
        + " and the watermark stays "
        + watermark.map(w -> "at " + w).orElse("unset")
        + "; rerun the stage to retry";
  }
}
