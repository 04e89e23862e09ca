package com.retail.lakehouse.jobs.shop;

import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.jobs.PublishJob;
import com.retail.lakehouse.jobs.Stages;
import com.retail.lakehouse.jobs.local.ShopApiSimulator;
import com.retail.lakehouse.jobs.local.SimulatedShop;
import com.retail.lakehouse.jobs.support.TestContexts;
import com.retail.lakehouse.jobs.support.TestSpark;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A lake of its own fed by a simulated shop over loopback, with a five-product catalogue in
 * silver.products: the fixture of the orders tests.
 */
final class ShopLake implements AutoCloseable {
  static final List<String> PRODUCT_IDS = List.of("1001", "1002", "1003", "1004", "1005");

  final SparkSession spark = TestSpark.get();
  final Path root;
  final ShopApiSimulator sim;
  final Lake lake;

  ShopLake(Path root, int initialOrders) {
    this.root = root;
    this.sim = new ShopApiSimulator(5, PRODUCT_IDS, initialOrders).start(0);
    this.lake = new Lake(root.toString());
    StructType schema =
        new StructType()
            .add("product_id", DataTypes.LongType)
            .add("department", DataTypes.StringType)
            .add("product_category", DataTypes.StringType)
            .add("product_type", DataTypes.StringType);
    List<Row> rows =
        List.of(
            RowFactory.create(1001L, "GROCERY", "BAKERY", "BREAD"),
            RowFactory.create(1002L, "GROCERY", "DAIRY", "MILK"),
            RowFactory.create(1003L, "PRODUCE", "FRUIT", "APPLES"),
            RowFactory.create(1004L, "DRUG GM", "HEALTH", "VITAMINS"),
            RowFactory.create(1005L, "PRODUCE", "VEG", "CARROTS"));
    lake.replace(Tables.SILVER_PRODUCTS, spark.createDataFrame(rows, schema), "test catalogue");
  }

  JobContext context(String runId, String... extra) {
    String[] overrides = new String[extra.length + 2];
    overrides[0] = "orders-api.url=" + sim.url();
    overrides[1] = "orders-api.page-size=8";
    System.arraycopy(extra, 0, overrides, 2, extra.length);
    JobContext ctx = TestContexts.local(root, TestContexts.sample(), "2024-03-01", overrides);
    return new JobContext(
        ctx.settings(), ctx.logicalDate(), runId, ctx.force(), ctx.lake(), ctx.database());
  }

  StageResult extract(String runId) {
    return Stages.execute(new OrdersExtractJob(), spark, context(runId));
  }

  StageResult silver(String runId) {
    return Stages.execute(new OrdersSilverJob(), spark, context(runId));
  }

  StageResult gold(String runId) {
    return Stages.execute(new OrdersGoldJob(), spark, context(runId));
  }

  /** Runs any job with the fixture's context plus {@code extra} overrides. */
  StageResult run(com.retail.lakehouse.common.cli.Job job, String runId, String... extra) {
    return Stages.execute(job, spark, context(runId, extra));
  }

  /** Publishes the order gold tables into the test database, with {@code extra} overrides. */
  StageResult publishOrderTables(String runId, String... extra) {
    return Stages.execute(
        PublishJob.orderTablesOnly(),
        spark,
        context(runId, extra).withDatabase(com.retail.lakehouse.jobs.support.TestDatabase.get()));
  }

  Dataset<Row> read(com.retail.lakehouse.common.lake.TableId table) {
    return lake.read(spark, table);
  }

  /** The simulator's customers that have placed an order. */
  Set<SimulatedShop.Customer> customersWithOrders() {
    return sim.shop().orders().stream()
        .map(SimulatedShop.Order::customer)
        .collect(Collectors.toSet());
  }

  /** An order's revenue by the model: sum of quantity times unit price. */
  static BigDecimal revenue(SimulatedShop.Order o) {
    return o.lines().stream()
        .map(l -> l.unitPrice().multiply(BigDecimal.valueOf(l.quantity())))
        .reduce(BigDecimal.ZERO, BigDecimal::add)
        .setScale(2);
  }

  static BigDecimal cost(SimulatedShop.Order o) {
    return o.lines().stream()
        .map(l -> l.unitCost().multiply(BigDecimal.valueOf(l.quantity())))
        .reduce(BigDecimal.ZERO, BigDecimal::add)
        .setScale(2);
  }

  @Override
  public void close() {
    sim.close();
  }
}
