package com.retail.lakehouse.jobs;

import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.cli.StageSpec;
import com.retail.lakehouse.common.cli.StageSpec.Mode;
import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.lake.Fingerprint;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.jobs.recommend.BasketMining;
import com.retail.lakehouse.jobs.recommend.Recommender;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Recommendations: FP-Growth over baskets into {@code gold.frequent_itemsets} and {@code
 * gold.association_rules}, and the top N products per household into {@code
 * gold.customer_recommendations}.
 */
public final class RecommendationsJob implements Job {
  static final List<TableId> INPUTS = List.of(Tables.SILVER_TRANSACTIONS, Tables.SILVER_PRODUCTS);
  static final List<TableId> OUTPUTS =
      List.of(
          Tables.GOLD_FREQUENT_ITEMSETS,
          Tables.GOLD_ASSOCIATION_RULES,
          Tables.GOLD_CUSTOMER_RECOMMENDATIONS);

  static final StageSpec SPEC =
      StageSpec.stage("recommendations", RecommendationsJob.class)
          .describedAs("FP-Growth itemsets and rules, top-N products per household")
          .reads(INPUTS)
          .writes(Mode.OVERWRITE, OUTPUTS)
          .build();

  public static void main(String[] args) {
    Stages.run(new RecommendationsJob(), args);
  }

  @Override
  public StageSpec spec() {
    return SPEC;
  }

  @Override
  public StageResult run(SparkSession spark, JobContext ctx) {
    Lake lake = ctx.lake();
    Settings.Recommendations p = ctx.settings().recommendations();
    String fingerprint = Fingerprint.of(spark, lake, stage(), p.toString(), INPUTS);
    if (!ctx.force() && lake.upToDate(spark, fingerprint, OUTPUTS)) {
      return StageResult.skipped();
    }
    Dataset<Row> lines =
        BasketMining.withItem(
                lake.read(spark, Tables.SILVER_TRANSACTIONS),
                lake.read(spark, Tables.SILVER_PRODUCTS),
                p.itemLevel())
            .select("household_id", "basket_id", "product_id", "item")
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> baskets =
        BasketMining.toBaskets(lines, p.maxBasketSize()).persist(StorageLevel.MEMORY_AND_DISK());
    BasketMining.Mined mined = BasketMining.mine(baskets, p.minSupport(), p.minConfidence());
    StageResult.Builder result = new StageResult.Builder().read("baskets", mined.baskets());
    result.written(
        "frequent_itemsets",
        lake.replace(Tables.GOLD_FREQUENT_ITEMSETS, mined.itemsets(), fingerprint));
    long rules = lake.replace(Tables.GOLD_ASSOCIATION_RULES, mined.rules(), fingerprint);
    result.written("association_rules", rules);
    Dataset<Row> recommendations =
        Recommender.recommend(lines, lake.read(spark, Tables.GOLD_ASSOCIATION_RULES), p.topN());
    result.written(
        "customer_recommendations",
        lake.replace(Tables.GOLD_CUSTOMER_RECOMMENDATIONS, recommendations, fingerprint));
    lines.unpersist();
    baskets.unpersist();
    return result.build();
  }
}
