package com.retail.lakehouse.jobs;

import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.cli.StageSpec;
import com.retail.lakehouse.common.cli.StageSpec.Mode;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.jobs.silver.QualityRules;
import com.retail.lakehouse.jobs.silver.SilverRun;
import com.retail.lakehouse.jobs.silver.SilverSource;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Silver: the bronze rows not yet in silver are typed, checked and merged by natural key into the
 * silver tables; rows failing a {@code drop} rule go to {@code quarantine.<source>} with the rules
 * they failed, rows failing only {@code warn} rules are kept and flagged, and a {@code fail} rule
 * stops the stage before anything is committed. Facts whose product, household, campaign or coupon
 * is not known yet are kept and flagged, and their flag clears when the dimension arrives. For
 * every source, rows read = rows written + rows quarantined + duplicates removed, and the audit
 * records each. {@code --full-refresh} rebuilds every table from the whole of bronze.
 */
public final class SilverJob implements Job {

  /** Every silver table this stage writes. */
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
          .describedAs(
              "new bronze rows typed, checked and merged by key; failed rows to quarantine")
          .reads(SilverSource.ALL.stream().map(SilverSource::bronze).toList())
          .writes(Mode.MERGE, OUTPUTS)
          .writes(Mode.APPEND, SilverSource.ALL.stream().map(SilverSource::quarantine).toList())
          .build();

  public static void main(String[] args) {
    Stages.run(new SilverJob(), args);
  }

  @Override
  public StageSpec spec() {
    return SPEC;
  }

  @Override
  public void validate(JobContext ctx) {
    QualityRules.validate(ctx.settings());
  }

  @Override
  public StageResult run(SparkSession spark, JobContext ctx) {
    return SilverRun.run(spark, ctx);
  }
}
