package com.retail.lakehouse.jobs.recommend;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.config.Threshold;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;

/**
 * Market-basket mining over {@code items: array<string>} baskets ({@link FrequentItemsets}: the
 * itemsets and rules FP-Growth gives, up to the longest rule kept), and the criteria that decide
 * which rules are kept.
 *
 * <p>A rule is kept when its antecedent has at most {@code max-antecedent-size} items, its lift is
 * above {@code min-lift} and it meets {@code min-confidence} (a share of its antecedent's baskets,
 * or a number of baskets holding antecedent and consequent). When more than {@code max-rules}
 * remain, the run stops or the minimum support is raised to the smallest basket count that keeps at
 * most {@code max-rules}: a rule's basket count is its itemset's, so that is exactly the rule set a
 * mining at that support would give. Last, each antecedent keeps its best {@code
 * max-rules-per-antecedent} rules (confidence, then lift, then consequent).
 */
public final class BasketMining {
  private BasketMining() {}

  /**
   * What one mining found: the frequent itemsets ({@code items, freq, support, size}) and the kept
   * rules ({@code antecedent, consequent, support, confidence, lift}), both persisted (call {@link
   * #release}), with the counts the audit reports.
   *
   * @param minSupportBaskets the minimum support used, in baskets (raised when the limit was hit)
   * @param rulesFound rules that met the thresholds, before the limit and the per-antecedent cut
   */
  public record Mined(
      Dataset<Row> itemsets,
      Dataset<Row> rules,
      long baskets,
      long minSupportBaskets,
      boolean supportRaised,
      long itemsetsFound,
      long rulesFound,
      long rulesKept) {
    public void release() {
      itemsets.unpersist();
      rules.unpersist();
    }
  }

  /**
   * Transaction lines with an {@code item} column (see {@link #withItem}) become baskets: the
   * distinct items of each {@code basket_id}; baskets with more than {@code maxBasketSize} items
   * are left out.
   */
  public static Dataset<Row> toBaskets(Dataset<Row> linesWithItem, int maxBasketSize) {
    return linesWithItem
        .filter(col("item").isNotNull())
        .groupBy("basket_id")
        .agg(array_sort(collect_set(col("item"))).as("items"))
        .filter(size(col("items")).leq(maxBasketSize));
  }

  /**
   * Adds {@code item}: the product id itself at level {@code product}, or the catalogue's column
   * ({@code product_type}, {@code product_category}) of the product (null for a product the
   * catalogue does not know yet).
   */
  public static Dataset<Row> withItem(
      Dataset<Row> transactions, Dataset<Row> products, String level) {
    if (level.equals("product")) {
      return transactions.withColumn("item", col("product_id").cast("string"));
    }
    return transactions.join(
        products.select(col("product_id"), col(level).as("item")), "product_id", "left");
  }

  /**
   * Mines the baskets and keeps the rules by the criteria above. Raises a {@link UserError} when
   * more than {@code max-rules} rules are found and {@code on-too-many-rules} is {@code fail}.
   */
  public static Mined mine(Dataset<Row> baskets, Settings.Mining m) {
    long total = baskets.count();
    long minSupport = m.minSupport().minBaskets(total);
    Threshold confidence = m.minConfidence();
    // a rule's itemset is its antecedent and one consequent: longer itemsets serve no kept rule
    int maxSize = (int) Math.min(Integer.MAX_VALUE, m.maxAntecedentSize() + 1L);
    Dataset<Row> mined = FrequentItemsets.upTo(baskets, minSupport, maxSize);
    Dataset<Row> itemsets =
        mined
            .select(
                col("items"),
                col("freq"),
                col("freq").divide(lit(Math.max(total, 1))).as("support"),
                size(col("items")).as("size"))
            .persist(StorageLevel.MEMORY_AND_DISK());
    long itemsetsFound = itemsets.count();
    Dataset<Row> found =
        keepRules(
                FrequentItemsets.rules(
                    mined, total, confidence.isCount() ? 0.0 : confidence.fraction().doubleValue()),
                m)
            .persist(StorageLevel.MEMORY_AND_DISK());
    long rulesFound = found.count();
    long support = minSupport;
    if (rulesFound > m.maxRules()) {
      if (m.onTooManyRules().equals("fail")) {
        found.unpersist();
        itemsets.unpersist();
        throw tooManyRules(rulesFound, m, minSupport, total);
      }
      support = supportForLimit(found, m.maxRules());
    }
    Dataset<Row> rules =
        capPerAntecedent(found.filter(col("baskets").geq(support)), m.maxRulesPerAntecedent())
            .select("antecedent", "consequent", "support", "confidence", "lift")
            .persist(StorageLevel.MEMORY_AND_DISK());
    long rulesKept = rules.count();
    found.unpersist();
    Dataset<Row> kept = itemsets;
    if (support > minSupport) {
      kept = itemsets.filter(col("freq").geq(support)).persist(StorageLevel.MEMORY_AND_DISK());
      kept.count();
      itemsets.unpersist();
    }
    return new Mined(
        kept, rules, total, support, support > minSupport, itemsetsFound, rulesFound, rulesKept);
  }

  /**
   * The rules that meet the criteria: antecedent of at most {@code max-antecedent-size} items, lift
   * above {@code min-lift}, confidence at least {@code min-confidence} (a share), or antecedent and
   * consequent together in at least {@code min-confidence} baskets (a count).
   */
  public static Dataset<Row> keepRules(Dataset<Row> rules, Settings.Mining m) {
    Threshold confidence = m.minConfidence();
    Dataset<Row> kept =
        rules
            .filter(size(col("antecedent")).leq(m.maxAntecedentSize()))
            .filter(col("lift").gt(m.minLift()));
    return confidence.isCount()
        ? kept.filter(col("baskets").geq(confidence.baskets()))
        : kept.filter(col("confidence").geq(confidence.fraction().doubleValue()));
  }

  /**
   * The smallest basket count {@code s} such that at most {@code maxRules} rules have {@code
   * baskets >= s} (one more than the highest count when even those are too many). Reads the number
   * of rules per basket count (one row per distinct count, a few thousand at most: counts are
   * bounded by the most frequent itemset), never the rules.
   */
  static long supportForLimit(Dataset<Row> rules, long maxRules) {
    List<Row> histogram =
        rules
            .groupBy("baskets")
            .agg(count(lit(1)).as("rules"))
            .orderBy(col("baskets").desc())
            .collectAsList();
    long kept = 0;
    long support = histogram.isEmpty() ? 1 : histogram.get(0).getLong(0) + 1;
    for (Row r : histogram) {
      if (kept + r.getLong(1) > maxRules) {
        break;
      }
      kept += r.getLong(1);
      support = r.getLong(0);
    }
    return support;
  }

  /** Each antecedent's best {@code perAntecedent} rules: confidence, then lift, then consequent. */
  static Dataset<Row> capPerAntecedent(Dataset<Row> rules, int perAntecedent) {
    return rules
        .withColumn(
            "rn",
            row_number()
                .over(
                    Window.partitionBy("antecedent")
                        .orderBy(col("confidence").desc(), col("lift").desc(), col("consequent"))))
        .filter(col("rn").leq(perAntecedent))
        .drop("rn");
  }

  static UserError tooManyRules(long found, Settings.Mining m, long minSupport, long total) {
    return new UserError(
        String.format(
            "mining found %,d rules, more than recommendations.max-rules (%,d), at %s = %s"
                + " (%,d of %,d baskets) at %s level: raise recommendations.min-support or"
                + " min-confidence, or set recommendations.on-too-many-rules = raise-support",
            found,
            m.maxRules(),
            "recommendations.min-support",
            m.minSupport(),
            minSupport,
            total,
            m.itemLevel()));
  }
}
