package com.retail.lakehouse.jobs.recommend;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Tables;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The recommenders by name ({@link Settings.Recommendations#MODELS}), one output shape. */
public final class Models {
  private Models() {}

  /**
   * The named model's top-N per household from the purchases given (the history up to the moment
   * recommended for) and, for {@code rules} and {@code blend}, rules mined from that history and
   * the products each item stands for ({@link Recommender#itemProducts}, counted on the lines the
   * rules were mined from).
   *
   * @return {@code household_id, rank, product_id, item, score, lift, because}
   */
  public static Dataset<Row> recommend(
      String model,
      Purchases history,
      Dataset<Row> rules,
      Dataset<Row> itemProducts,
      Settings.Recommendations p) {
    return switch (model) {
      case "rules" -> rules(history, rules, itemProducts, p);
      case "buy-again" -> Baselines.buyAgain(history, p.topN());
      case "popular" -> Baselines.popular(history, p.topN());
      case "als" -> AlsRecommender.recommend(history, p.topN());
      case "blend" ->
          blend(
              Baselines.buyAgain(history, p.topN()),
              rules(history, rules, itemProducts, p),
              Math.min(p.blendBuyAgainSlots(), p.topN()),
              p.topN());
      default -> throw new IllegalArgumentException("unknown model " + model);
    };
  }

  /**
   * The transaction lines dated on or before {@code date} with the item they are mined at: {@code
   * household_id, basket_id, product_id, item, transaction_timestamp, transaction_date}.
   */
  public static Dataset<Row> history(
      SparkSession spark, Lake lake, LocalDate date, String itemLevel) {
    return BasketMining.withItem(
            lake.read(spark, Tables.SILVER_TRANSACTIONS)
                .filter(col("transaction_date").leq(lit(Date.valueOf(date)))),
            lake.read(spark, Tables.SILVER_PRODUCTS),
            itemLevel)
        .select(
            "household_id",
            "basket_id",
            "product_id",
            "item",
            "transaction_timestamp",
            "transaction_date");
  }

  /** Whether the model needs mined rules. */
  public static boolean usesRules(String model) {
    return model.equals("rules") || model.equals("blend");
  }

  /**
   * Whether a household's list depends only on its own history and the mining's outputs (the rules
   * and the products of each item), so that a list changes only when its household's lines do. The
   * popular model ranks by every household's purchases, ALS factors them all together.
   */
  public static boolean perHousehold(String model) {
    return usesRules(model) || model.equals("buy-again");
  }

  private static Dataset<Row> rules(
      Purchases history,
      Dataset<Row> rules,
      Dataset<Row> itemProducts,
      Settings.Recommendations p) {
    return Recommender.recommend(
        history, rules, itemProducts, p.recentBaskets(), p.mining().maxAntecedentSize(), p.topN());
  }

  /**
   * The first {@code firstSlots} of {@code first}'s list, then {@code second}'s in its order (a
   * product already listed is skipped; {@code first}'s further ones fill what {@code second} leaves
   * empty), cut at {@code topN}.
   */
  static Dataset<Row> blend(Dataset<Row> first, Dataset<Row> second, int firstSlots, int topN) {
    Column order = col("rank");
    Dataset<Row> both =
        first
            .withColumn("slot", when(order.leq(firstSlots), order).otherwise(order.plus(2L * topN)))
            .unionByName(second.withColumn("slot", order.plus(firstSlots)));
    Dataset<Row> once =
        both.groupBy("household_id", "product_id")
            .agg(
                min(struct(col("slot"), col("item"), col("score"), col("lift"), col("because")))
                    .as("b"))
            .select(
                col("household_id"),
                col("product_id"),
                col("b.slot").as("slot"),
                col("b.item").as("item"),
                col("b.score").as("score"),
                col("b.lift").as("lift"),
                col("b.because").as("because"));
    return Recommender.rankBy(once, topN, col("slot"), col("product_id"));
  }
}
