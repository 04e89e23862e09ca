package com.retail.lakehouse.jobs.recommend;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Top-N product recommendations per household from association rules, at a cost that grows with
 * households × their candidate items, not households × rules.
 *
 * <p>Each household's last {@code recentBaskets} baskets are its context. Every subset of a recent
 * basket's items, up to {@code maxAntecedentSize} items, is looked up among the rules' antecedents
 * (an equi-join: rules indexed by antecedent), so a rule applies when one recent basket holds its
 * whole antecedent. A consequent already in a recent basket is not a candidate; each candidate item
 * keeps its best rule (confidence, then lift, then a fixed order of the rules) and becomes the most
 * bought product of that item (by baskets, among the item's {@value #PRODUCTS_PER_ITEM} most
 * bought) that the household has never bought. The score is the rule's confidence; {@code because}
 * is its antecedent. Which products an item stands for ({@link #itemProducts}) comes with the
 * rules: counted on the lines they were mined from, so a household's list depends on its own
 * history and on the mining alone, and a day's scoring need only redo the households that shopped.
 */
public final class Recommender {
  /** Products of an item tried, most bought first, when the household already has the first. */
  static final int PRODUCTS_PER_ITEM = 3;

  private Recommender() {}

  /**
   * @param history the purchases up to the moment the recommendations are for
   * @param rules {@code antecedent} (sorted), {@code consequent, confidence, lift}
   * @param itemProducts {@code item, product_id, product_rank}, as {@link #itemProducts}
   * @return {@code household_id, rank, product_id, item, score, lift, because}
   */
  public static Dataset<Row> recommend(
      Purchases history,
      Dataset<Row> rules,
      Dataset<Row> itemProducts,
      int recentBaskets,
      int maxAntecedentSize,
      int topN) {
    Dataset<Row> recent = recentBaskets(history.baskets(), recentBaskets);
    Dataset<Row> context =
        recent
            .select(
                col("household_id"),
                explode(subsets(col("items"), maxAntecedentSize)).as("antecedent"))
            .distinct();
    Dataset<Row> inRecentBaskets =
        recent.select(col("household_id"), explode(col("items")).as("item")).distinct();
    Dataset<Row> numbered =
        rules.select(
            col("antecedent"),
            col("consequent"),
            col("confidence"),
            col("lift"),
            xxhash64(col("antecedent"), col("consequent")).as("rule_id"));
    // best rule per household and item on fixed-width values (a hash aggregate, no sort); the
    // rule's antecedent is joined back once per household and item
    Dataset<Row> bestRulePerItem =
        context
            .join(numbered, "antecedent")
            .groupBy(col("household_id"), col("consequent").as("item"))
            .agg(
                min(struct(
                        negate(col("confidence")).as("c"),
                        negate(col("lift")).as("l"),
                        col("rule_id").as("id")))
                    .getField("id")
                    .as("rule_id"))
            .join(inRecentBaskets, new String[] {"household_id", "item"}, "left_anti")
            .join(
                numbered.select(
                    col("rule_id"),
                    col("confidence").as("score"),
                    col("lift"),
                    col("antecedent").as("because")),
                "rule_id")
            .drop("rule_id");

    Dataset<Row> bought = history.products().select("household_id", "product_id");
    Dataset<Row> productPerItem =
        bestRulePerItem
            .join(itemProducts, "item")
            .join(bought, new String[] {"household_id", "product_id"}, "left_anti")
            .groupBy("household_id", "item", "score", "lift", "because")
            .agg(
                min(struct(col("product_rank"), col("product_id")))
                    .getField("product_id")
                    .as("product_id"));
    return rank(productPerItem, topN);
  }

  /**
   * Each household's last {@code n} baskets with a known item (by their latest line's timestamp,
   * then basket id) as {@code household_id, basket_id, items} (sorted distinct items).
   *
   * @param baskets {@code household_id, basket_id, at, items}, as {@link Purchases#baskets}
   */
  static Dataset<Row> recentBaskets(Dataset<Row> baskets, int n) {
    return baskets
        .filter(size(col("items")).gt(0))
        .withColumn(
            "rn",
            row_number()
                .over(
                    Window.partitionBy("household_id")
                        .orderBy(col("at").desc(), col("basket_id").desc())))
        .filter(col("rn").leq(n))
        .select("household_id", "basket_id", "items");
  }

  /**
   * Every non-empty subset of a sorted array with at most {@code maxSize} elements, each sorted:
   * {@code [a, b, c]} up to 2 gives {@code [a], [b], [c], [a, b], [a, c], [b, c]}. Built from
   * Spark's array functions, no UDF.
   */
  static Column subsets(Column items, int maxSize) {
    Column all = combinations(items, 1);
    for (int k = 2; k <= maxSize; k++) {
      all = concat(all, combinations(items, k));
    }
    return all;
  }

  /** The subsets of exactly {@code k} elements: each element followed by the k-1 after it. */
  private static Column combinations(Column items, int k) {
    if (k == 1) {
      return transform(items, x -> array(x));
    }
    return flatten(
        transform(
            items,
            (x, i) ->
                transform(
                    combinations(slice(items, i.plus(2), size(items)), k - 1),
                    rest -> concat(array(x), rest))));
  }

  /**
   * Each item's {@value #PRODUCTS_PER_ITEM} most bought products (by baskets, then product id) as
   * {@code item, product_id, product_rank}.
   *
   * @param lines transaction lines with their {@code item} (a basket holds a product once, so a
   *     product's lines are its baskets)
   */
  public static Dataset<Row> itemProducts(Dataset<Row> lines) {
    return lines
        .filter(col("item").isNotNull())
        .groupBy("item", "product_id")
        .agg(count(lit(1)).as("product_baskets"))
        .withColumn(
            "product_rank",
            row_number()
                .over(
                    Window.partitionBy("item")
                        .orderBy(col("product_baskets").desc(), col("product_id"))))
        .filter(col("product_rank").leq(PRODUCTS_PER_ITEM))
        .select("item", "product_id", "product_rank");
  }

  /**
   * Ranks each household's candidates ({@code household_id, product_id, item, score, lift,
   * because}) by score, then lift, then product id, and keeps the first {@code topN}.
   */
  static Dataset<Row> rank(Dataset<Row> candidates, int topN) {
    return rankBy(
        candidates, topN, col("score").desc(), col("lift").desc_nulls_last(), col("product_id"));
  }

  /** Ranks each household's candidates in the order given and keeps the first {@code topN}. */
  static Dataset<Row> rankBy(Dataset<Row> candidates, int topN, Column... order) {
    return candidates
        .withColumn("rank", row_number().over(Window.partitionBy("household_id").orderBy(order)))
        .filter(col("rank").leq(topN))
        .select("household_id", "rank", "product_id", "item", "score", "lift", "because");
  }
}
