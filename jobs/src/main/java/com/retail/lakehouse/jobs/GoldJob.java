package com.retail.lakehouse.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.cli.StageSpec;
import com.retail.lakehouse.common.cli.StageSpec.Mode;
import com.retail.lakehouse.common.lake.Fingerprint;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.jobs.gold.CustomerSummary;
import com.retail.lakehouse.jobs.gold.ProductPerformance;
import com.retail.lakehouse.jobs.gold.SalesByDayDepartment;
import java.sql.Date;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Gold KPIs: customer summary, product performance, sales by day and department. */
public final class GoldJob implements Job {
  private static final Logger LOG = LogManager.getLogger(GoldJob.class);

  /** The fingerprint parameter that names the logical date the gold tables were computed for. */
  static final String DATE_PARAMETER = "date=";

  static final List<TableId> INPUTS =
      List.of(
          Tables.SILVER_TRANSACTIONS,
          Tables.SILVER_PRODUCTS,
          Tables.SILVER_HOUSEHOLDS,
          Tables.SILVER_COUPON_REDEMPTIONS,
          Tables.SILVER_CAMPAIGN_HOUSEHOLDS);

  static final List<TableId> OUTPUTS =
      List.of(
          Tables.GOLD_CUSTOMER_SUMMARY,
          Tables.GOLD_PRODUCT_PERFORMANCE,
          Tables.GOLD_SALES_BY_DAY_DEPARTMENT);

  static final StageSpec SPEC =
      StageSpec.stage("gold", GoldJob.class)
          .describedAs("customer summary, product performance, sales by day and department")
          .reads(INPUTS)
          .writes(Mode.OVERWRITE, OUTPUTS)
          .build();

  public static void main(String[] args) {
    Stages.run(new GoldJob(), args);
  }

  @Override
  public StageSpec spec() {
    return SPEC;
  }

  @Override
  public StageResult run(SparkSession spark, JobContext ctx) {
    Lake lake = ctx.lake();
    String fingerprint =
        Fingerprint.of(spark, lake, stage(), DATE_PARAMETER + ctx.logicalDate(), INPUTS);
    if (!ctx.force() && lake.upToDate(spark, fingerprint, OUTPUTS)) {
      return StageResult.skipped();
    }
    // A backfill of an earlier date does not roll the gold tables back: they keep the latest date.
    Optional<LocalDate> computedFor =
        lake.fingerprint(spark, Tables.GOLD_CUSTOMER_SUMMARY).flatMap(GoldJob::computedFor);
    if (!ctx.force() && computedFor.filter(d -> d.isAfter(ctx.logicalDate())).isPresent()) {
      LOG.info(
          "gold tables are computed for {}, later than {}: left as they are (--force recomputes"
              + " them for {})",
          computedFor.get(),
          ctx.logicalDate(),
          ctx.logicalDate());
      return StageResult.skipped();
    }
    // As of the logical date: a backfill sees only what had happened by then.
    Dataset<Row> tx =
        lake.read(spark, Tables.SILVER_TRANSACTIONS)
            .filter(col("transaction_date").leq(lit(Date.valueOf(ctx.logicalDate()))));
    Dataset<Row> products = lake.read(spark, Tables.SILVER_PRODUCTS);
    StageResult.Builder result = new StageResult.Builder().read("transactions", tx.count());

    write(
        lake,
        result,
        Tables.GOLD_CUSTOMER_SUMMARY,
        fingerprint,
        CustomerSummary.summarize(
            tx,
            products,
            lake.read(spark, Tables.SILVER_HOUSEHOLDS),
            lake.read(spark, Tables.SILVER_COUPON_REDEMPTIONS),
            lake.read(spark, Tables.SILVER_CAMPAIGN_HOUSEHOLDS),
            ctx.logicalDate()));
    write(
        lake,
        result,
        Tables.GOLD_PRODUCT_PERFORMANCE,
        fingerprint,
        ProductPerformance.summarize(tx, products));
    write(
        lake,
        result,
        Tables.GOLD_SALES_BY_DAY_DEPARTMENT,
        fingerprint,
        SalesByDayDepartment.summarize(tx, products));
    return result.build();
  }

  /** The logical date a gold fingerprint was computed for, if it names one. */
  static Optional<LocalDate> computedFor(String fingerprint) {
    if (fingerprint == null) {
      return Optional.empty();
    }
    String[] parts = fingerprint.split("\\|");
    if (parts.length < 2 || !parts[1].startsWith(DATE_PARAMETER)) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDate.parse(parts[1].substring(DATE_PARAMETER.length())));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static void write(
      Lake lake, StageResult.Builder result, TableId table, String fingerprint, Dataset<Row> data) {
    result.written(table.name(), lake.replace(table, data, fingerprint));
  }
}
