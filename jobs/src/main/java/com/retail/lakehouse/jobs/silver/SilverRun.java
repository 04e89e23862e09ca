package com.retail.lakehouse.jobs.silver;

import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import org.apache.spark.sql.SparkSession;

/** One silver run: plan (read and check everything, judge), then commit source by source. */
public final class SilverRun {
  private SilverRun() {}

  public static StageResult run(SparkSession spark, JobContext ctx) {
    SilverPlan plan = SilverPlan.prepare(spark, ctx);
    try {
      StageResult.Builder result = new StageResult.Builder();
      boolean wrote = new SilverCommit(spark, ctx.lake(), plan, result).commit();
      if (!wrote && plan.isEmpty()) {
        return StageResult.skipped(plan.checks());
      }
      return result.checks(plan.checks()).build();
    } finally {
      plan.release();
    }
  }
}
