package com.retail.lakehouse.jobs.shop;

import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.cli.StageSpec;
import com.retail.lakehouse.common.cli.StageSpec.Mode;
import com.retail.lakehouse.common.lake.Fingerprint;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.jobs.Stages;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Gold tables of the shop's orders: KPIs by day and channel, product profit, sales by postcode
 * area, and the daily grain of the last two (by day, postcode area and customer; by day and
 * product) that a date range over them needs. Orders that were cancelled or refunded are not sales
 * and are left out.
 *
 * <p>The tables cover every order extracted so far: they are not cut at the logical date, because
 * the shop's orders (from 2024-03-01) and the Complete Journey dates (the local default logical
 * date is 2018-01-02) live on different calendars, and a cut would leave the default run empty.
 */
public final class OrdersGoldJob implements Job {
  static final List<TableId> INPUTS =
      List.of(Tables.SILVER_ORDERS, Tables.SILVER_ORDER_LINES, Tables.SILVER_PRODUCTS);

  static final StageSpec SPEC =
      StageSpec.stage("orders_gold", OrdersGoldJob.class)
          .describedAs(
              "order KPIs by day and channel, product profit, sales by postcode area, and both by"
                  + " day")
          .reads(INPUTS)
          .writes(Mode.OVERWRITE, Tables.ORDER_GOLD_TABLES)
          .build();

  public static void main(String[] args) {
    Stages.run(new OrdersGoldJob(), args);
  }

  @Override
  public StageSpec spec() {
    return SPEC;
  }

  @Override
  public StageResult run(SparkSession spark, JobContext ctx) {
    Lake lake = ctx.lake();
    String fingerprint = Fingerprint.of(spark, lake, stage(), "v1", INPUTS);
    if (!ctx.force() && lake.upToDate(spark, fingerprint, Tables.ORDER_GOLD_TABLES)) {
      return StageResult.skipped();
    }
    Dataset<Row> orders = lake.read(spark, Tables.SILVER_ORDERS);
    Dataset<Row> lines = lake.read(spark, Tables.SILVER_ORDER_LINES);
    Dataset<Row> products = lake.read(spark, Tables.SILVER_PRODUCTS);
    StageResult.Builder result =
        new StageResult.Builder()
            .read(Tables.SILVER_ORDERS.name(), orders.count())
            .read(Tables.SILVER_ORDER_LINES.name(), lines.count());
    write(lake, result, Tables.GOLD_ORDER_KPIS, OrderKpis.summarize(orders), fingerprint);
    write(
        lake,
        result,
        Tables.GOLD_PRODUCT_PROFIT,
        ProductProfit.summarize(orders, lines, products),
        fingerprint);
    write(lake, result, Tables.GOLD_SALES_BY_REGION, SalesByRegion.summarize(orders), fingerprint);
    write(
        lake,
        result,
        Tables.GOLD_ORDER_SALES_BY_DAY,
        OrderSalesByDay.summarize(orders),
        fingerprint);
    write(
        lake,
        result,
        Tables.GOLD_PRODUCT_PROFIT_BY_DAY,
        ProductProfitByDay.summarize(orders, lines, products),
        fingerprint);
    return result.build();
  }

  private static void write(
      Lake lake, StageResult.Builder result, TableId table, Dataset<Row> data, String fingerprint) {
    result.written(table.name(), lake.replace(table, data, fingerprint));
  }
}
