package com.retail.lakehouse.jobs.shop;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;

import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.cli.StageSpec;
import com.retail.lakehouse.common.cli.StageSpec.Mode;
import com.retail.lakehouse.common.lake.Fingerprint;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.pii.Pseudonymizer;
import com.retail.lakehouse.common.quality.Cleaner;
import com.retail.lakehouse.common.quality.Expectation;
import com.retail.lakehouse.common.quality.FieldType;
import com.retail.lakehouse.common.quality.QualityCheck;
import com.retail.lakehouse.common.quality.QualityGate;
import com.retail.lakehouse.jobs.Stages;
import io.delta.tables.DeltaTable;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Silver orders: the raw pages of {@code bronze.orders_raw} flattened into {@code silver.orders}
 * (one row per order, its latest version) and {@code silver.order_lines}, with personal data
 * replaced by keyed pseudonyms; orders that fail a rule go to {@code quarantine.orders} with the
 * rules they failed and their raw JSON.
 *
 * <p>Each run recomputes from every page in bronze (pages are small), so the result does not depend
 * on which batches earlier runs saw; it is skipped when neither bronze.orders_raw nor
 * silver.products changed. Orders read = orders kept + orders quarantined + duplicate versions
 * removed. {@code silver.orders} is merged by {@code order_id} (a newer {@code updated_at} wins);
 * {@code silver.order_lines} is merged by {@code (order_id, line_no)}, lines that vanished deleted.
 *
 * <p>Names, emails, phones, street addresses and full postcodes never reach silver: emails and
 * phones become {@code email_pseudonym} and {@code phone_pseudonym}, the customer id {@code
 * customer_key} (HMAC-SHA256 under the key of {@code pii.key-env}), the postcode its area.
 */
public final class OrdersSilverJob implements Job {
  private static final Logger LOG = LogManager.getLogger(OrdersSilverJob.class);

  static final List<TableId> INPUTS = List.of(Tables.BRONZE_ORDERS_RAW, Tables.SILVER_PRODUCTS);

  static final List<TableId> OUTPUTS =
      List.of(Tables.SILVER_ORDERS, Tables.SILVER_ORDER_LINES, Tables.QUARANTINE_ORDERS);

  /**
   * The outputs whose last commit carries the fingerprint: merged last, after the quarantine table
   * (Delta records no commit when an empty quarantine is replaced by an empty one).
   */
  static final List<TableId> MERGED = List.of(Tables.SILVER_ORDERS, Tables.SILVER_ORDER_LINES);

  static final DecimalType MONEY = FieldType.MONEY;

  /** A page of the API, each order kept as its raw JSON text. */
  static final StructType PAGE =
      new StructType().add("orders", DataTypes.createArrayType(DataTypes.StringType));

  private static final StructType CUSTOMER =
      new StructType()
          .add("customer_id", DataTypes.StringType)
          .add("first_name", DataTypes.StringType)
          .add("last_name", DataTypes.StringType)
          .add("email", DataTypes.StringType)
          .add("phone", DataTypes.StringType)
          .add("street_address", DataTypes.StringType)
          .add("city", DataTypes.StringType)
          .add("postcode", DataTypes.StringType);

  /** Numbers are read as text, so a bad one is a failed rule rather than a silent null. */
  private static final StructType LINE =
      new StructType()
          .add("sku", DataTypes.StringType)
          .add("product_id", DataTypes.StringType)
          .add("quantity", DataTypes.StringType)
          .add("unit_price", DataTypes.StringType)
          .add("unit_cost", DataTypes.StringType);

  /** One order as the API sends it. */
  static final StructType ORDER =
      new StructType()
          .add("order_id", DataTypes.StringType)
          .add("created_at", DataTypes.StringType)
          .add("updated_at", DataTypes.StringType)
          .add("status", DataTypes.StringType)
          .add("customer", CUSTOMER)
          .add("lines", DataTypes.createArrayType(LINE))
          .add("channel", DataTypes.StringType)
          .add("payment_type", DataTypes.StringType);

  /** The columns of {@code silver.orders}, in order. */
  static final List<String> ORDER_COLUMNS =
      List.of(
          "order_id",
          "updated_at",
          "created_at",
          "status",
          "customer_key",
          "email_pseudonym",
          "phone_pseudonym",
          "postcode_area",
          "city",
          "channel",
          "payment_type",
          "order_date",
          "items",
          "order_revenue",
          "order_cost",
          Cleaner.DQ_FLAGS);

  static final StageSpec SPEC =
      StageSpec.stage("orders_silver", OrdersSilverJob.class)
          .describedAs("orders flattened, checked and pseudonymised; latest version of each")
          .reads(INPUTS)
          .writes(Mode.MERGE, MERGED)
          .writes(Mode.OVERWRITE, Tables.QUARANTINE_ORDERS)
          .build();

  public static void main(String[] args) {
    Stages.run(new OrdersSilverJob(), args);
  }

  @Override
  public StageSpec spec() {
    return SPEC;
  }

  @Override
  public void validate(JobContext ctx) {
    com.retail.lakehouse.jobs.silver.QualityRules.validate(ctx.settings());
  }

  @Override
  public StageResult run(SparkSession spark, JobContext ctx) {
    Lake lake = ctx.lake();
    String fingerprint = Fingerprint.of(spark, lake, stage(), "v1", INPUTS);
    if (!ctx.force() && lake.upToDate(spark, fingerprint, MERGED)) {
      return StageResult.skipped();
    }
    if (ctx.settings().usesDevelopmentPiiKey()) {
      LOG.warn(
          "{} is not set: pseudonyms use the local development key, not fit for real data",
          ctx.settings().piiKeyEnv());
    }
    UserDefinedFunction pseudonym = Pseudonymizer.udf(ctx.settings().piiKey());

    Dataset<Row> orders = toOrders(lake.read(spark, Tables.BRONZE_ORDERS_RAW));
    List<Expectation> expectations = ctx.settings().quality().resolve(OrderRules.expectations());
    Dataset<Row> checked =
        OrderRules.check(orders, lake.read(spark, Tables.SILVER_PRODUCTS), expectations)
            .persist(StorageLevel.MEMORY_AND_DISK());
    Cleaner.RuleCounts counts = Cleaner.countFailures(checked);
    List<QualityCheck> checks =
        QualityGate.judge(counts, expectations, ctx.settings().quality().shareMinRows());
    QualityGate.requireNoFailure(checks);
    Dataset<Row> valid = checked.filter(not(Cleaner.isQuarantined()));
    Dataset<Row> latest = dedupeLatest(valid).persist(StorageLevel.MEMORY_AND_DISK());
    long read = counts.rows();
    long validCount = read - counts.quarantined();
    Row figures =
        latest
            .agg(
                org.apache.spark.sql.functions.count(lit(1)),
                org.apache.spark.sql.functions.count_if(size(col(Cleaner.DQ_FLAGS)).gt(0)))
            .first();
    long kept = figures.getLong(0);
    long flagged = figures.getLong(1);

    // Every version read is kept in silver or quarantined; the kept ones are the latest of each
    // order or removed as duplicates: read = kept + quarantined + dups.
    long quarantined = counts.quarantined();
    lake.replace(Tables.QUARANTINE_ORDERS, toQuarantine(checked), fingerprint);
    mergeOrders(spark, lake, toSilverOrders(latest, pseudonym), fingerprint);
    mergeLines(spark, lake, toOrderLines(latest), fingerprint);
    checked.unpersist();
    latest.unpersist();
    return new StageResult.Builder()
        .read("orders", read)
        .written("orders", kept)
        .flagged("orders", flagged)
        .quarantined("orders", quarantined)
        .duplicates("orders", validCount - kept)
        .checks(checks)
        .build();
  }

  // ---------------------------------------------------------------- transforms (pure)

  /**
   * One row per order version in the pages: {@code order_json} (the order's raw JSON), {@code o}
   * (it parsed) and where it came from ({@code _batch_id}, {@code _ingested_at}, {@code
   * page_number}, {@code position}).
   */
  static Dataset<Row> toOrders(Dataset<Row> pages) {
    return pages
        .select(
            col("_batch_id"),
            col("_ingested_at"),
            col("page_number"),
            posexplode(from_json(col("body"), PAGE).getField("orders"))
                .as(new String[] {"position", "order_json"}))
        .withColumn("o", from_json(col("order_json"), ORDER));
  }

  /** Keeps the latest version of each order (by updated_at, then the latest ingested). */
  static Dataset<Row> dedupeLatest(Dataset<Row> valid) {
    return valid
        .withColumn(
            "_rn",
            row_number()
                .over(
                    Window.partitionBy(trim(col("o.order_id")))
                        .orderBy(
                            col("o.updated_at").try_cast(DataTypes.TimestampType).desc(),
                            col("_ingested_at").desc(),
                            col("_batch_id").desc(),
                            col("page_number").desc(),
                            col("position").desc())))
        .filter(col("_rn").equalTo(1))
        .drop("_rn");
  }

  /** The rows of {@code silver.orders}: typed, personal data pseudonymised or dropped. */
  static Dataset<Row> toSilverOrders(Dataset<Row> latest, UserDefinedFunction pseudonym) {
    Dataset<Row> lines = lineValues(latest);
    Dataset<Row> totals =
        lines
            .groupBy("order_id")
            .agg(
                sum("quantity").cast("int").as("items"),
                sum("revenue").cast(MONEY).as("order_revenue"),
                sum("cost").cast(MONEY).as("order_cost"));
    UserDefinedFunction area = postcodeAreaUdf();
    Dataset<Row> orders =
        latest.select(
            trim(col("o.order_id")).as("order_id"),
            col("o.updated_at").try_cast(DataTypes.TimestampType).as("updated_at"),
            col("o.created_at").try_cast(DataTypes.TimestampType).as("created_at"),
            col("o.status").as("status"),
            pseudonym
                .apply(lit(Pseudonymizer.CUSTOMER), col("o.customer.customer_id"))
                .as("customer_key"),
            pseudonym
                .apply(lit(Pseudonymizer.EMAIL), col("o.customer.email"))
                .as("email_pseudonym"),
            pseudonym
                .apply(lit(Pseudonymizer.PHONE), col("o.customer.phone"))
                .as("phone_pseudonym"),
            area.apply(col("o.customer.postcode")).as("postcode_area"),
            col("o.customer.city").as("city"),
            col("o.channel").as("channel"),
            col("o.payment_type").as("payment_type"),
            to_date(col("o.created_at").try_cast(DataTypes.TimestampType)).as("order_date"),
            col(Cleaner.DQ_FLAGS));
    return orders
        .join(totals, "order_id")
        .select(ORDER_COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /** The rows of {@code silver.order_lines}. */
  static Dataset<Row> toOrderLines(Dataset<Row> latest) {
    return lineValues(latest);
  }

  private static Dataset<Row> lineValues(Dataset<Row> latest) {
    return latest
        .select(
            trim(col("o.order_id")).as("order_id"),
            posexplode(col("o.lines")).as(new String[] {"line_index", "l"}))
        .select(
            col("order_id"),
            col("line_index").plus(1).cast("int").as("line_no"),
            col("l.sku").as("sku"),
            col("l.product_id").try_cast(DataTypes.LongType).as("product_id"),
            col("l.quantity").try_cast(DataTypes.IntegerType).as("quantity"),
            col("l.unit_price").try_cast(MONEY).as("unit_price"),
            col("l.unit_cost").try_cast(MONEY).as("unit_cost"))
        .withColumn("revenue", col("quantity").multiply(col("unit_price")).cast(MONEY))
        .withColumn("cost", col("quantity").multiply(col("unit_cost")).cast(MONEY));
  }

  /**
   * Quarantined order versions: the order's raw JSON (personal data included: quarantine is a
   * restricted layer, like bronze), where it came from and the rules it failed.
   */
  static Dataset<Row> toQuarantine(Dataset<Row> checked) {
    return checked
        .filter(Cleaner.isQuarantined())
        .select(
            col("o.order_id").as("order_id"),
            col("o.updated_at").as("updated_at"),
            col("order_json"),
            col("_batch_id"),
            col("_ingested_at"),
            col("page_number"),
            col("position"),
            col(Cleaner.FAILED_RULES));
  }

  private static UserDefinedFunction postcodeAreaUdf() {
    org.apache.spark.sql.api.java.UDF1<String, String> f = Pseudonymizer::postcodeArea;
    return org.apache.spark.sql.functions.udf(f, DataTypes.StringType);
  }

  // ---------------------------------------------------------------- writes

  /** Each write's commit carries the fingerprint, also when the MERGE changes no row. */
  private static void mergeOrders(
      SparkSession spark, Lake lake, Dataset<Row> orders, String fingerprint) {
    if (!lake.exists(spark, Tables.SILVER_ORDERS)) {
      lake.append(Tables.SILVER_ORDERS, orders, fingerprint);
      return;
    }
    lake.mergeRecording(
        spark,
        Tables.SILVER_ORDERS,
        fingerprint,
        () ->
            DeltaTable.forPath(spark, lake.path(Tables.SILVER_ORDERS))
                .as("t")
                .merge(orders.as("s"), "t.order_id = s.order_id")
                .whenMatched("s.updated_at > t.updated_at")
                .updateAll()
                .whenNotMatched()
                .insertAll()
                .execute());
  }

  private static void mergeLines(
      SparkSession spark, Lake lake, Dataset<Row> lines, String fingerprint) {
    if (!lake.exists(spark, Tables.SILVER_ORDER_LINES)) {
      lake.append(Tables.SILVER_ORDER_LINES, lines, fingerprint);
      return;
    }
    lake.mergeWhole(
        Tables.SILVER_ORDER_LINES,
        lines,
        List.of("order_id", "line_no"),
        List.of("sku", "product_id", "quantity", "unit_price", "unit_cost", "revenue", "cost"),
        fingerprint);
  }
}
