package com.retail.lakehouse.jobs.recommend;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;

import com.retail.lakehouse.common.UserError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The frequent itemsets of a set of baskets up to a given size, counted level by level (Apriori),
 * and the association rules they give: the same itemsets and rules as Spark ML's FP-Growth, without
 * the itemsets longer than any rule the stage keeps.
 *
 * <p>FP-Growth has no bound on an itemset's length: at a low support most of its work goes into
 * long itemsets (on 1M generated lines at product-type level, 212,266 itemsets, 46 s of the stage's
 * 64 s of mining) while the stage keeps only rules with at most {@code max-antecedent-size} items
 * before the consequent. Counting level by level stops at that size plus one, and counts only what
 * can still be frequent. The frequent items are numbered (in the order of their names) and each
 * basket becomes the sorted numbers of its frequent items; identical such baskets are counted once
 * with their number. A basket's candidates of k + 1 items are its frequent itemsets of k items,
 * each followed by one of its items after the itemset's last, kept when every k-item subset is
 * frequent too (Apriori's pruning, per basket); a candidate is counted by a number of its own (the
 * number of its first k items and its last item: {@link ItemsetIndex}), so the counting is Spark's
 * aggregate over one {@code long}. The tasks find a basket's frequent itemsets in the levels
 * counted so far, sent to every task (at most {@value #MAX_ITEMSETS_PER_LEVEL} itemsets a level:
 * past that, the support is too low for the data and the mining stops saying so).
 */
public final class FrequentItemsets {
  private FrequentItemsets() {}

  /** The most frequent itemsets one level may hold (about 30 MB sent to every task). */
  static final long MAX_ITEMSETS_PER_LEVEL = 1_000_000;

  /** A basket as the sorted numbers of its frequent items. */
  private static final Encoder<Row> NUMBERED =
      Encoders.row(
          new StructType()
              .add("items", DataTypes.createArrayType(DataTypes.IntegerType, false), false));

  /** A candidate's number ({@link ItemsetIndex#key}) and the baskets it is in. */
  private static final Encoder<Row> CANDIDATE =
      Encoders.row(
          new StructType()
              .add("key", DataTypes.LongType, false)
              .add("weight", DataTypes.LongType, false));

  private static final Encoder<Row> ITEMSET =
      Encoders.row(
          new StructType()
              .add("items", DataTypes.createArrayType(DataTypes.StringType, false), false)
              .add("freq", DataTypes.LongType, false));

  /**
   * The itemsets of at most {@code maxSize} items held by at least {@code minBaskets} baskets, as
   * {@code items} (sorted) and {@code freq} (baskets), computed (local checkpoints).
   *
   * @param baskets {@code items: array<string>}, each basket's distinct items
   * @throws UserError when a level holds more than {@value #MAX_ITEMSETS_PER_LEVEL} itemsets
   */
  public static Dataset<Row> upTo(Dataset<Row> baskets, long minBaskets, int maxSize) {
    Dataset<Row> items =
        baskets
            .select(explode(col("items")).as("item"))
            .groupBy("item")
            .agg(count(lit(1)).as("freq"))
            .filter(col("freq").geq(minBaskets))
            .localCheckpoint();
    Dataset<Row> singles = items.select(array(col("item")).as("items"), col("freq"));
    String[] names = names(items, minBaskets);
    if (maxSize < 2 || names.length < 2) {
      return singles;
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(baskets.sparkSession().sparkContext());
    Map<String, Integer> numbers = new HashMap<>();
    for (int n = 0; n < names.length; n++) {
      numbers.put(names[n], n);
    }
    Broadcast<Map<String, Integer>> numbering = sc.broadcast(numbers);
    Dataset<Row> numbered =
        baskets
            .select("items")
            .flatMap((FlatMapFunction<Row, Row>) b -> numbered(b, numbering.value()), NUMBERED)
            .groupBy("items")
            .agg(count(lit(1)).as("weight"))
            .localCheckpoint();
    numbering.destroy();
    ItemsetIndex index = ItemsetIndex.ofItems();
    List<Dataset<Row>> levels = new ArrayList<>();
    for (int k = 1; k < maxSize; k++) {
      int size = k;
      Broadcast<ItemsetIndex> known = sc.broadcast(index);
      Dataset<Row> level =
          numbered
              .filter(size(col("items")).gt(k))
              .flatMap((FlatMapFunction<Row, Row>) b -> counted(b, known.value(), size), CANDIDATE)
              .groupBy("key")
              .agg(sum("weight").as("freq"))
              .filter(col("freq").geq(minBaskets))
              .localCheckpoint();
      known.destroy();
      long[] keys = keys(level, k + 1, minBaskets);
      if (keys.length == 0) {
        break;
      }
      index = index.withLevel(keys);
      levels.add(level.select(lit(k + 1).as("size"), col("key"), col("freq")));
    }
    if (levels.isEmpty()) {
      return singles;
    }
    Broadcast<ItemsetIndex> found = sc.broadcast(index);
    Broadcast<String[]> named = sc.broadcast(names);
    Dataset<Row> longer =
        levels.stream()
            .reduce(Dataset::union)
            .orElseThrow()
            .map((MapFunction<Row, Row>) r -> named(r, found.value(), named.value()), ITEMSET)
            .localCheckpoint();
    found.destroy();
    named.destroy();
    return singles.unionByName(longer);
  }

  /** The frequent items' names, in Spark's order of strings: an item's number is its place. */
  private static String[] names(Dataset<Row> items, long minBaskets) {
    tooMany(items.count(), 1, minBaskets);
    List<String> names = new ArrayList<>();
    items.select("item").toLocalIterator().forEachRemaining(r -> names.add(r.getString(0)));
    names.sort(Comparator.comparing(UTF8String::fromString));
    return names.toArray(new String[0]);
  }

  /** A level's keys, in the order the index numbers them. */
  private static long[] keys(Dataset<Row> level, int size, long minBaskets) {
    tooMany(level.count(), size, minBaskets);
    List<Long> keys = new ArrayList<>();
    level.select("key").toLocalIterator().forEachRemaining(r -> keys.add(r.getLong(0)));
    return keys.stream().mapToLong(Long::longValue).toArray();
  }

  private static void tooMany(long found, int size, long minBaskets) {
    if (found > MAX_ITEMSETS_PER_LEVEL) {
      throw new UserError(
          String.format(
              "%,d itemsets of %d items are in at least %,d baskets, more than the %,d one level"
                  + " of mining may hold: raise the minimum support",
              found, size, minBaskets, MAX_ITEMSETS_PER_LEVEL));
    }
  }

  /** A basket ({@code items}) as the sorted numbers of its frequent items, if it has two. */
  static Iterator<Row> numbered(Row basket, Map<String, Integer> numbers) {
    int[] items =
        basket.<String>getList(0).stream()
            .map(numbers::get)
            .filter(Objects::nonNull)
            .mapToInt(Integer::intValue)
            .distinct()
            .sorted()
            .toArray();
    return items.length < 2
        ? Collections.emptyIterator()
        : List.of(RowFactory.create((Object) items)).iterator();
  }

  /** A numbered basket's ({@code items, weight}) candidates of {@code size + 1} items. */
  static Iterator<Row> counted(Row basket, ItemsetIndex index, int size) {
    List<Integer> list = basket.getList(0);
    int[] items = new int[list.size()];
    for (int i = 0; i < items.length; i++) {
      items[i] = list.get(i);
    }
    Object weight = basket.get(1);
    List<Row> rows = new ArrayList<>();
    candidates(items, index, size, key -> rows.add(RowFactory.create(key, weight)));
    return rows.iterator();
  }

  /**
   * The candidates of {@code size + 1} items in a basket (sorted item numbers), by key: each
   * frequent itemset of {@code size} items the basket holds (found through its prefixes, each
   * frequent too) followed by an item of the basket after its last, when every subset of {@code
   * size} items is frequent (the one without the new item is the itemset itself).
   */
  static void candidates(int[] basket, ItemsetIndex index, int size, LongConsumer candidate) {
    extend(basket, index, size, new int[size + 1], new int[size], 0, -1, 0, candidate);
  }

  /**
   * Continues {@code chosen[0, depth)} (itemset {@code prefix}) with the items from {@code from}.
   */
  private static void extend(
      int[] basket,
      ItemsetIndex index,
      int size,
      int[] chosen,
      int[] subset,
      int depth,
      int prefix,
      int from,
      LongConsumer candidate) {
    if (depth == size) {
      for (int i = from; i < basket.length; i++) {
        chosen[size] = basket[i];
        if (subsetsFrequent(chosen, subset, index)) {
          candidate.accept(ItemsetIndex.key(prefix, basket[i]));
        }
      }
      return;
    }
    // the itemset needs size - depth more items after this one
    for (int i = from; i < basket.length - (size - depth); i++) {
      int number = depth == 0 ? basket[i] : index.find(depth + 1, prefix, basket[i]);
      if (number >= 0) {
        chosen[depth] = basket[i];
        extend(basket, index, size, chosen, subset, depth + 1, number, i + 1, candidate);
      }
    }
  }

  /** Whether each subset of {@code items} without one of its first items is frequent. */
  private static boolean subsetsFrequent(int[] items, int[] subset, ItemsetIndex index) {
    for (int drop = 0; drop < items.length - 1; drop++) {
      for (int i = 0, j = 0; i < items.length; i++) {
        if (i != drop) {
          subset[j++] = items[i];
        }
      }
      if (index.find(subset) < 0) {
        return false;
      }
    }
    return true;
  }

  /** A counted itemset ({@code size, key, freq}) with its items' names. */
  static Row named(Row counted, ItemsetIndex index, String[] names) {
    int size = counted.getInt(0);
    long key = counted.getLong(1);
    int[] first = index.items(size - 1, (int) (key >>> 32));
    String[] items = new String[size];
    for (int i = 0; i < first.length; i++) {
      items[i] = names[first[i]];
    }
    items[size - 1] = names[(int) key];
    return RowFactory.create(items, counted.get(2));
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
