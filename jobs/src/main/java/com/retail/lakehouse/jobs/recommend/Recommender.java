package com.retail.lakehouse.jobs.recommend;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Top-N product recommendations per household from association rules.
 *
 * <p>A rule applies to a household when every item of its antecedent is in the household's whole
 * purchase history and its consequent is not. Each candidate item keeps its best rule (highest
 * confidence, then lift) and becomes the item's most popular product (by baskets), which the
 * household has never bought. The score is the rule's confidence. Only rules with a lift above 1
 * recommend anything: below 1 the antecedent makes the consequent less likely, not more.
 */
public final class Recommender {
  private Recommender() {}

  /**
   * @param linesWithItem transactions with {@code household_id, basket_id, product_id, item}
   * @param rules {@code antecedent, consequent, confidence, lift}
   * @return {@code household_id, rank, product_id, item, score, lift, because}
   */
  public static Dataset<Row> recommend(Dataset<Row> linesWithItem, Dataset<Row> rules, int topN) {
    Dataset<Row> history =
        linesWithItem.filter(col("item").isNotNull()).select("household_id", "item").distinct();
    Dataset<Row> numbered =
        rules
            .filter(col("lift").gt(1))
            .withColumn("rule_id", row_number().over(Window.orderBy("antecedent", "consequent")));
    Dataset<Row> antecedentItems =
        numbered.select(
            col("rule_id"),
            explode(col("antecedent")).as("item"),
            size(col("antecedent")).as("needed"));

    Dataset<Row> applicable =
        history
            .join(antecedentItems, "item")
            .groupBy("household_id", "rule_id", "needed")
            .agg(count(lit(1)).as("matched"))
            .filter(col("matched").equalTo(col("needed")))
            .join(numbered, "rule_id")
            .select(
                col("household_id"),
                col("consequent").as("item"),
                col("confidence"),
                col("lift"),
                col("antecedent").as("because"))
            .join(history, new String[] {"household_id", "item"}, "left_anti");

    Dataset<Row> bestRulePerItem =
        applicable
            .withColumn(
                "rn",
                row_number()
                    .over(
                        Window.partitionBy("household_id", "item")
                            .orderBy(col("confidence").desc(), col("lift").desc(), col("because"))))
            .filter(col("rn").equalTo(1))
            .drop("rn");

    Dataset<Row> topProductPerItem =
        linesWithItem
            .filter(col("item").isNotNull())
            .groupBy("item", "product_id")
            .agg(count_distinct(col("basket_id")).as("product_baskets"))
            .withColumn(
                "rn",
                row_number()
                    .over(
                        Window.partitionBy("item")
                            .orderBy(col("product_baskets").desc(), col("product_id"))))
            .filter(col("rn").equalTo(1))
            .select("item", "product_id");

    Dataset<Row> bought = linesWithItem.select("household_id", "product_id").distinct();
    return bestRulePerItem
        .join(topProductPerItem, "item")
        .join(bought, new String[] {"household_id", "product_id"}, "left_anti")
        .withColumn(
            "rank",
            row_number()
                .over(
                    Window.partitionBy("household_id")
                        .orderBy(col("confidence").desc(), col("lift").desc(), col("product_id"))))
        .filter(col("rank").leq(topN))
        .select(
            col("household_id"),
            col("rank"),
            col("product_id"),
            col("item"),
            col("confidence").as("score"),
            col("lift"),
            col("because"))
        .orderBy("household_id", "rank");
  }
}
