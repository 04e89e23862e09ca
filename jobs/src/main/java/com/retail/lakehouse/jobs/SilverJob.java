package com.retail.lakehouse.jobs;

import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.cli.StageSpec;
import com.retail.lakehouse.common.cli.StageSpec.Mode;
import com.retail.lakehouse.common.lake.Fingerprint;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.quality.Cleaner;
import com.retail.lakehouse.common.quality.CleaningSpec;
import com.retail.lakehouse.jobs.bronze.Source;
import com.retail.lakehouse.jobs.silver.Households;
import com.retail.lakehouse.jobs.silver.SilverSpecs;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Silver: types, trims and deduplicates every bronze table by its natural key; rows that fail a
 * rule go to {@code quarantine.<source>} with the rules they failed. For every source, rows read =
 * rows kept + rows quarantined + duplicates removed, and the audit records each.
 */
public final class SilverJob implements Job {

  /** Every silver and quarantine table this stage writes. */
  public static final List<TableId> OUTPUTS =
      List.of(
          Tables.SILVER_PRODUCTS,
          Tables.SILVER_TRANSACTIONS,
          Tables.SILVER_HOUSEHOLDS,
          Tables.SILVER_CAMPAIGNS,
          Tables.SILVER_CAMPAIGN_HOUSEHOLDS,
          Tables.SILVER_COUPONS,
          Tables.SILVER_COUPON_REDEMPTIONS,
          Tables.SILVER_PROMOTIONS);

  static final StageSpec SPEC =
      StageSpec.stage("silver", SilverJob.class)
          .describedAs("typed, checked and deduplicated sources; failed rows to quarantine")
          .reads(Source.COMPLETE_JOURNEY.stream().map(s -> Tables.bronze(s.table())).toList())
          .writes(Mode.OVERWRITE, OUTPUTS)
          .writes(
              Mode.OVERWRITE,
              Source.COMPLETE_JOURNEY.stream().map(s -> Tables.quarantine(s.table())).toList())
          .build();

  public static void main(String[] args) {
    Stages.run(new SilverJob(), args);
  }

  @Override
  public StageSpec spec() {
    return SPEC;
  }

  @Override
  public StageResult run(SparkSession spark, JobContext ctx) {
    Lake lake = ctx.lake();
    String fingerprint = Fingerprint.of(spark, lake, stage(), "v1", SPEC.reads());
    if (!ctx.force() && lake.upToDate(spark, fingerprint, OUTPUTS)) {
      return StageResult.skipped();
    }
    Run run = new Run(spark, lake, fingerprint);

    run.clean("products", SilverSpecs.products(), Tables.SILVER_PRODUCTS, UnaryOperator.identity());
    Dataset<Row> productIds = run.ids(Tables.SILVER_PRODUCTS, "product_id");

    run.clean(
        "transactions",
        SilverSpecs.transactions(productIds),
        Tables.SILVER_TRANSACTIONS,
        Households::withTransactionDate);

    Dataset<Row> demographics = run.cleanWithoutWrite("demographics", SilverSpecs.demographics());
    long households =
        lake.replace(
            Tables.SILVER_HOUSEHOLDS,
            Households.toHouseholds(lake.read(spark, Tables.SILVER_TRANSACTIONS), demographics),
            fingerprint);
    run.result.written(Tables.SILVER_HOUSEHOLDS.name(), households);
    demographics.unpersist();
    Dataset<Row> householdIds = run.ids(Tables.SILVER_HOUSEHOLDS, "household_id");

    run.clean(
        "campaign_descriptions",
        SilverSpecs.campaigns(),
        Tables.SILVER_CAMPAIGNS,
        UnaryOperator.identity());
    Dataset<Row> campaignIds = run.ids(Tables.SILVER_CAMPAIGNS, "campaign_id");
    run.clean(
        "campaigns",
        SilverSpecs.campaignHouseholds(campaignIds, householdIds),
        Tables.SILVER_CAMPAIGN_HOUSEHOLDS,
        UnaryOperator.identity());
    run.clean(
        "coupons",
        SilverSpecs.coupons(productIds, campaignIds),
        Tables.SILVER_COUPONS,
        UnaryOperator.identity());
    run.clean(
        "coupon_redemptions",
        SilverSpecs.couponRedemptions(
            householdIds, run.ids(Tables.SILVER_COUPONS, "coupon_upc"), campaignIds),
        Tables.SILVER_COUPON_REDEMPTIONS,
        UnaryOperator.identity());
    run.clean(
        "promotions",
        SilverSpecs.promotions(productIds),
        Tables.SILVER_PROMOTIONS,
        UnaryOperator.identity());
    return run.result.build();
  }

  /** One silver run: cleans source after source with the same fingerprint, adding up the counts. */
  private static final class Run {
    final SparkSession spark;
    final Lake lake;
    final String fingerprint;
    final StageResult.Builder result = new StageResult.Builder();

    Run(SparkSession spark, Lake lake, String fingerprint) {
      this.spark = spark;
      this.lake = lake;
      this.fingerprint = fingerprint;
    }

    Dataset<Row> ids(TableId table, String column) {
      return lake.read(spark, table).select(column);
    }

    /** Cleans one source into its silver table and its quarantine table. */
    void clean(
        String source, CleaningSpec spec, TableId target, UnaryOperator<Dataset<Row>> finish) {
      Dataset<Row> kept = cleanWithoutWrite(source, spec);
      lake.replace(target, finish.apply(kept), fingerprint);
      kept.unpersist();
    }

    /**
     * Checks and deduplicates one source, writes its quarantine table and returns the kept rows
     * (cached; the caller unpersists them).
     */
    Dataset<Row> cleanWithoutWrite(String source, CleaningSpec spec) {
      Dataset<Row> bronze = lake.read(spark, Tables.bronze(source));
      Dataset<Row> checked =
          Cleaner.withFailedRules(bronze, spec).persist(StorageLevel.MEMORY_AND_DISK());
      TableId quarantine = Tables.quarantine(source);
      long quarantined =
          lake.replace(quarantine, Cleaner.filterQuarantined(checked, spec), fingerprint);
      Dataset<Row> valid = Cleaner.filterValid(checked, spec);
      Dataset<Row> kept =
          Cleaner.dedupeByKey(valid, spec.naturalKey()).persist(StorageLevel.MEMORY_AND_DISK());
      long read = bronze.count();
      long validRows = valid.count();
      long keptRows = kept.count();
      checked.unpersist();
      if (read != validRows + quarantined) {
        throw new IllegalStateException(
            source
                + ": "
                + read
                + " rows read but "
                + validRows
                + " valid + "
                + quarantined
                + " quarantined");
      }
      result
          .read(source, read)
          .written(source, keptRows)
          .quarantined(source, quarantined)
          .duplicates(source, validRows - keptRows);
      return kept;
    }
  }
}
