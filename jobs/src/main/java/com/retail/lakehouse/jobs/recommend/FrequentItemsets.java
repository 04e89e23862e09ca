package com.retail.lakehouse.jobs.recommend;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The frequent itemsets of a set of baskets up to a given size, counted level by level (Apriori),
 * and the association rules they give: the same itemsets and rules as Spark ML's FP-Growth, without
 * the itemsets longer than any rule the stage keeps.
 *
 * <p>FP-Growth has no bound on an itemset's length: at a low support most of its work goes into
 * long itemsets (on 1M generated lines at product-type level, 212,266 itemsets, 45 s of the stage's
 * mining) while the stage keeps only rules with at most {@code max-antecedent-size} items before
 * the consequent. Counting level by level stops at that size plus one, and each level only looks at
 * what can still be frequent: identical baskets are counted once with their number, and a basket
 * takes to the next level only the items of its frequent itemsets of this level (an itemset is
 * frequent only if all its subsets are). All of it is joins and aggregates: nothing is collected to
 * the driver.
 */
public final class FrequentItemsets {
  private FrequentItemsets() {}

  /**
   * Up to this many itemsets of a level (tens of MB at most) are sent to every task to find the
   * baskets' frequent ones; more are joined by a shuffle.
   */
  static final long BROADCAST_ITEMSETS = 1_000_000;

  private static final Encoder<Row> CANDIDATES =
      Encoders.row(
          new StructType()
              .add("basket", DataTypes.createArrayType(DataTypes.StringType), false)
              .add("weight", DataTypes.LongType, false)
              .add("items", DataTypes.createArrayType(DataTypes.StringType), false));

  /**
   * The itemsets of at most {@code maxSize} items held by at least {@code minBaskets} baskets, as
   * {@code items} (sorted) and {@code freq} (baskets), persisted (the caller unpersists).
   *
   * @param baskets {@code items: array<string>}, each basket's distinct items
   */
  public static Dataset<Row> upTo(Dataset<Row> baskets, long minBaskets, int maxSize) {
    // Each level and each basket's pool is computed once and its plan cut (a local checkpoint):
    // level k's plan would otherwise hold level k - 1's twice, 2^k copies in all.
    // A basket's own items are its key; identical baskets become one row with their number.
    Dataset<Row> candidates =
        baskets
            .groupBy(array_sort(col("items")).as("basket"))
            .agg(count(lit(1)).as("weight"))
            .select(col("basket"), col("weight"), explode(col("basket")).as("item"))
            .select(col("basket"), col("weight"), array(col("item")).as("items"));
    List<Dataset<Row>> levels = new ArrayList<>();
    for (int k = 1; k <= Math.max(maxSize, 1); k++) {
      Dataset<Row> level =
          candidates
              .groupBy("items")
              .agg(sum("weight").as("freq"))
              .filter(col("freq").geq(minBaskets))
              .localCheckpoint();
      levels.add(level);
      long found = level.count();
      if (found == 0 || k == maxSize) {
        break;
      }
      Dataset<Row> frequent = level.select("items");
      // each basket's frequent itemsets of this level, and the items they hold: its pool
      Dataset<Row> pool =
          candidates
              .join(
                  found <= BROADCAST_ITEMSETS ? broadcast(frequent) : frequent,
                  "items",
                  "left_semi")
              .groupBy("basket", "weight")
              .agg(collect_list("items").as("sets"))
              .withColumn("pool", array_sort(array_distinct(flatten(col("sets")))))
              .filter(size(col("pool")).gt(k))
              .localCheckpoint();
      // the next level's candidates: a frequent itemset and one item of the pool after its last
      candidates =
          pool.select("basket", "weight", "sets", "pool")
              .flatMap((FlatMapFunction<Row, Row>) FrequentItemsets::extend, CANDIDATES);
    }
    Dataset<Row> all =
        levels.stream()
            .reduce(Dataset::unionByName)
            .orElseThrow()
            .persist(StorageLevel.MEMORY_AND_DISK());
    all.count();
    return all;
  }

  /**
   * A basket's candidates of the next level ({@code basket, weight, items}) from its row {@code
   * basket, weight, sets, pool}: each of its frequent itemsets ({@code sets}, sorted) followed by
   * an item of the sorted {@code pool} after the itemset's last, when every subset of the result is
   * frequent in the basket too (Apriori's pruning, here per basket: nothing is broadcast). Plain
   * Java: Spark's array lambdas are interpreted, and at 1M lines these are millions of arrays.
   */
  static Iterator<Row> extend(Row basket) {
    List<Seq<String>> sets = basket.getList(2);
    List<String> pool = basket.getList(3);
    Set<List<String>> frequent = new HashSet<>();
    for (Seq<String> set : sets) {
      frequent.add(CollectionConverters.asJava(set));
    }
    List<Row> next = new ArrayList<>();
    for (List<String> set : frequent) {
      int size = set.size();
      for (int i = pool.indexOf(set.get(size - 1)) + 1; i < pool.size(); i++) {
        List<String> items = new ArrayList<>(set);
        items.add(pool.get(i));
        if (subsetsFrequent(items, frequent)) {
          next.add(RowFactory.create(basket.get(0), basket.get(1), items.toArray(new String[0])));
        }
      }
    }
    return next.iterator();
  }

  /**
   * Whether every subset of {@code items} one item shorter that holds its last item is among the
   * basket's frequent itemsets (the one without it is the itemset it was extended from).
   */
  private static boolean subsetsFrequent(List<String> items, Set<List<String>> frequent) {
    for (int drop = 0; drop < items.size() - 1; drop++) {
      List<String> subset = new ArrayList<>(items);
      subset.remove(drop);
      if (!frequent.contains(subset)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Every rule of one consequent the itemsets give, with Spark's formulas: for an itemset {@code I}
   * and each of its items {@code x}, {@code I - x -> x} with support {@code freq(I) / total},
   * confidence {@code freq(I) / freq(I - x)} and lift {@code confidence / (freq(x) / total)}; kept
   * when the confidence is at least {@code minConfidence}.
   *
   * @param itemsets {@code items} (sorted), {@code freq}: every subset of an itemset is there too
   * @return {@code antecedent} (sorted), {@code consequent, support, confidence, lift, baskets}
   *     ({@code baskets}: those holding antecedent and consequent, {@code freq(I)})
   */
  public static Dataset<Row> rules(Dataset<Row> itemsets, long total, double minConfidence) {
    Dataset<Row> antecedents =
        itemsets.select(col("items").as("antecedent"), col("freq").as("antecedent_freq"));
    Dataset<Row> consequents =
        itemsets
            .filter(size(col("items")).equalTo(1))
            .select(
                element_at(col("items"), 1).as("consequent"), col("freq").as("consequent_freq"));
    double baskets = Math.max(total, 1);
    return itemsets
        .filter(size(col("items")).geq(2))
        .select(col("items"), col("freq"), explode(col("items")).as("consequent"))
        .withColumn("antecedent", array_except(col("items"), array(col("consequent"))))
        .join(antecedents, "antecedent")
        .join(consequents, "consequent")
        .withColumn(
            "confidence", col("freq").cast("double").divide(col("antecedent_freq").cast("double")))
        .filter(col("confidence").geq(minConfidence))
        .select(
            col("antecedent"),
            col("consequent"),
            col("freq").cast("double").divide(lit(baskets)).as("support"),
            col("confidence"),
            col("confidence")
                .divide(col("consequent_freq").cast("double").divide(lit(baskets)))
                .as("lift"),
            col("freq").as("baskets"));
  }
}
