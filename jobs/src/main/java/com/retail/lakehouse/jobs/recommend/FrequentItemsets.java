package com.retail.lakehouse.jobs.recommend;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;

import com.retail.lakehouse.common.UserError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The frequent itemsets of a set of baskets up to a given size, counted level by level (Apriori),
 * and the association rules they give: the same itemsets and rules as Spark ML's FP-Growth, without
 * the itemsets longer than any rule the stage keeps.
 *
 * <p>FP-Growth has no bound on an itemset's length: at a low support most of its work goes into
 * long itemsets (on 1M generated lines at product-type level, 212,266 itemsets, 46 s of the stage's
 * 64 s of mining) while the stage keeps only rules with at most {@code max-antecedent-size} items
 * before the consequent. Counting level by level stops at that size plus one, and counts only what
 * can still be frequent: identical baskets are counted once with their number, and a basket's
 * candidates of k + 1 items are its frequent itemsets of k items each extended by one of their
 * items that comes after its last, kept when every k-item subset is frequent too (Apriori's
 * pruning, per basket). The counting is Spark's aggregate; what each basket holds of a level is
 * found in that level's itemsets, sent to every task (at most {@value #MAX_ITEMSETS_PER_LEVEL} of
 * them: past that, the support is too low for the data and the mining stops saying so).
 */
public final class FrequentItemsets {
  private FrequentItemsets() {}

  /** The most frequent itemsets one level may hold (about 100 MB sent to every task). */
  static final long MAX_ITEMSETS_PER_LEVEL = 1_000_000;

  private static final ArrayType ITEMS = DataTypes.createArrayType(DataTypes.StringType, false);

  /** A basket's candidates: the basket's number (identical baskets) and the itemset. */
  private static final Encoder<Row> CANDIDATE =
      Encoders.row(
          new StructType().add("weight", DataTypes.LongType, false).add("items", ITEMS, false));

  /**
   * What a basket holds of a level: its number, its frequent itemsets of the level ({@code sets})
   * and the items they hold, in the basket's (Spark's) order ({@code pool}).
   */
  private static final Encoder<Row> HOLDS =
      Encoders.row(
          new StructType()
              .add("weight", DataTypes.LongType, false)
              .add("pool", ITEMS, false)
              .add("sets", DataTypes.createArrayType(ITEMS, false), false));

  /**
   * The itemsets of at most {@code maxSize} items held by at least {@code minBaskets} baskets, as
   * {@code items} (sorted) and {@code freq} (baskets), computed (each level a local checkpoint).
   *
   * @param baskets {@code items: array<string>}, each basket's distinct items
   * @throws UserError when a level holds more than {@value #MAX_ITEMSETS_PER_LEVEL} itemsets
   */
  public static Dataset<Row> upTo(Dataset<Row> baskets, long minBaskets, int maxSize) {
    // A basket's own items (sorted) are its key: identical baskets become one row with their number
    Dataset<Row> weighted =
        baskets
            .groupBy(array_sort(col("items")).as("basket"))
            .agg(count(lit(1)).as("weight"))
            .localCheckpoint();
    Dataset<Row> level =
        keepFrequent(
            weighted
                .select(col("weight"), explode(col("basket")).as("item"))
                .select(col("weight"), array(col("item")).as("items")),
            minBaskets);
    List<Dataset<Row>> levels = new ArrayList<>(List.of(level));
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(baskets.sparkSession().sparkContext());
    Dataset<Row> held = null;
    for (int k = 1; k < maxSize; k++) {
      long found = level.count();
      if (found == 0) {
        break;
      }
      if (found > MAX_ITEMSETS_PER_LEVEL) {
        throw new UserError(
            String.format(
                "%,d itemsets of %d items are in at least %,d baskets, more than the %,d one level"
                    + " of mining may hold: raise the minimum support",
                found, k, minBaskets, MAX_ITEMSETS_PER_LEVEL));
      }
      Broadcast<Set<List<String>>> frequent = sc.broadcast(itemsets(level));
      held =
          (held == null
                  ? weighted.flatMap(
                      (FlatMapFunction<Row, Row>) r -> firstLevel(r, frequent.value()), HOLDS)
                  : held.flatMap(
                      (FlatMapFunction<Row, Row>) r -> nextLevel(r, frequent.value()), HOLDS))
              .filter(size(col("sets")).gt(k)) // k + 1 items need k + 1 frequent subsets
              .localCheckpoint();
      frequent.destroy();
      // a basket's candidates are made here to be counted and made again by nextLevel to keep the
      // frequent ones: cheaper than keeping millions of candidate rows with their basket
      level =
          keepFrequent(
              held.flatMap((FlatMapFunction<Row, Row>) FrequentItemsets::extend, CANDIDATE),
              minBaskets);
      levels.add(level);
    }
    // each level is already computed and kept (a local checkpoint): their union reads them
    return levels.stream().reduce(Dataset::unionByName).orElseThrow();
  }

  /** The candidates ({@code weight, items}) held by at least {@code minBaskets} baskets. */
  private static Dataset<Row> keepFrequent(Dataset<Row> candidates, long minBaskets) {
    return candidates
        .groupBy("items")
        .agg(sum("weight").as("freq"))
        .filter(col("freq").geq(minBaskets))
        .localCheckpoint();
  }

  /** A level's itemsets, to look up in a task. */
  private static Set<List<String>> itemsets(Dataset<Row> level) {
    Set<List<String>> sets = new HashSet<>();
    level
        .select("items")
        .toLocalIterator()
        .forEachRemaining(r -> sets.add(new ArrayList<>(r.<String>getList(0))));
    return sets;
  }

  /** A basket's row ({@code basket, weight}) as its frequent items, if any. */
  static Iterator<Row> firstLevel(Row basket, Set<List<String>> frequent) {
    List<String> pool = new ArrayList<>();
    for (String item : basket.<String>getList(0)) {
      if (frequent.contains(List.of(item))) {
        pool.add(item);
      }
    }
    List<List<String>> sets = pool.stream().map(List::of).toList();
    return List.of(holds(basket.getLong(1), pool, sets)).iterator();
  }

  /** What a basket holds of the next level: its candidates that are frequent. */
  static Iterator<Row> nextLevel(Row holds, Set<List<String>> frequent) {
    List<List<String>> sets = new ArrayList<>();
    Set<String> items = new HashSet<>();
    for (List<String> candidate : candidates(holds)) {
      if (frequent.contains(candidate)) {
        sets.add(candidate);
        items.addAll(candidate);
      }
    }
    List<String> pool = holds.<String>getList(1).stream().filter(items::contains).toList();
    return List.of(holds(holds.getLong(0), pool, sets)).iterator();
  }

  /** A basket's candidates of the next level, as {@code weight, items} rows. */
  static Iterator<Row> extend(Row holds) {
    Object weight = holds.get(0);
    return candidates(holds).stream()
        .map(c -> RowFactory.create(weight, c.toArray(new String[0])))
        .iterator();
  }

  /**
   * The candidates of the next level in what a basket holds ({@code weight, pool, sets}): each
   * frequent itemset followed by an item of the pool after its last, when every subset of the
   * result one item shorter is frequent too (the one without the new item is the itemset itself).
   */
  static List<List<String>> candidates(Row holds) {
    List<String> pool = holds.getList(1);
    Set<List<String>> sets = new HashSet<>();
    for (Object set : holds.getList(2)) {
      sets.add(CollectionConverters.asJava((Seq<String>) set));
    }
    List<List<String>> next = new ArrayList<>();
    for (List<String> set : sets) {
      for (int i = pool.indexOf(set.get(set.size() - 1)) + 1; i < pool.size(); i++) {
        List<String> candidate = new ArrayList<>(set);
        candidate.add(pool.get(i));
        if (subsetsFrequent(candidate, sets)) {
          next.add(candidate);
        }
      }
    }
    return next;
  }

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

  private static Row holds(long weight, List<String> pool, List<List<String>> sets) {
    String[][] arrays = new String[sets.size()][];
    for (int i = 0; i < arrays.length; i++) {
      arrays[i] = sets.get(i).toArray(new String[0]);
    }
    return RowFactory.create(weight, pool.toArray(new String[0]), arrays);
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
