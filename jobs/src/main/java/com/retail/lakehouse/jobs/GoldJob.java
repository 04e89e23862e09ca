package com.retail.lakehouse.jobs;

import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.cli.StageSpec;
import com.retail.lakehouse.common.cli.StageSpec.Mode;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Progress;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.jobs.gold.GoldTables;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * Gold KPIs: customer summary, product performance, sales by day and department, sales by day and
 * product. Each table is kept current incrementally: the households, products and days touched by
 * what changed in silver since the table's last commit are recomputed and merged in; the rest is
 * left as it is. {@code --full-refresh} recomputes everything and gives the same tables.
 *
 * <p>The tables are as of the latest logical date processed: a run for an earlier date (a backfill)
 * folds in its data without moving the as-of date back, so later results stay as they were.
 */
public final class GoldJob implements Job {
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
          Tables.GOLD_SALES_BY_DAY_DEPARTMENT,
          Tables.GOLD_SALES_BY_DAY_PRODUCT,
          Tables.GOLD_SALES_BY_BASKET_DEPARTMENT);

  static final StageSpec SPEC =
      StageSpec.stage("gold", GoldJob.class)
          .describedAs(
              "customer summary, product performance, sales by day and department/product, by basket")
          .reads(INPUTS)
          .writes(Mode.MERGE, OUTPUTS)
          .build();

  /** The progress value holding a gold table's as-of date. */
  static final String AS_OF = "as_of";

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
    Map<TableId, Long> now = new LinkedHashMap<>();
    INPUTS.forEach(t -> now.put(t, lake.version(spark, t)));
    GoldTables tables = new GoldTables(spark, lake);
    StageResult.Builder result = new StageResult.Builder();
    boolean wrote = false;
    for (TableId table : OUTPUTS) {
      Optional<Progress> before = ctx.force() ? Optional.empty() : lake.progress(spark, table);
      LocalDate asOfBefore = before.flatMap(p -> p.value(AS_OF)).map(LocalDate::parse).orElse(null);
      LocalDate asOf =
          asOfBefore != null && asOfBefore.isAfter(ctx.logicalDate())
              ? asOfBefore
              : ctx.logicalDate();
      Progress after = Progress.of(now).with(AS_OF, asOf.toString());
      if (before.isPresent()
          && before.get().inputs().equals(after.inputs())
          && asOf.equals(asOfBefore)) {
        continue;
      }
      wrote = true;
      tables.refresh(
          table, before.filter(p -> asOfBefore != null), asOfBefore, asOf, now, after, result);
    }
    tables.release();
    return wrote ? result.build() : StageResult.skipped();
  }
}
