package com.retail.lakehouse.jobs.gold;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Progress;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * The gold rows a run must recompute, from what changed in silver since a gold table last looked
 * (the Delta versions in its progress) and from the as-of date moving forward: the households,
 * products and days whose figures may differ. Read from Delta's change data feed, so its cost
 * follows what changed, not the size of the history; a changed product attribute (its department)
 * also reaches the days and households that bought it.
 */
public final class GoldChanges {
  static final TableId FACTS = Tables.SILVER_TRANSACTIONS;
  static final TableId PRODUCTS = Tables.SILVER_PRODUCTS;

  /**
   * Keys to recompute: one-column datasets of households and products, and the days; and, when all
   * that changed is lines added, those lines (for figures that add up).
   */
  public record Affected(
      Dataset<Row> households,
      Dataset<Row> products,
      List<Date> days,
      long facts,
      Optional<Added> added) {
    public void release() {
      households.unpersist();
      products.unpersist();
      added.ifPresent(a -> a.lines().unpersist());
    }
  }

  /**
   * Lines that became visible to the gold tables ({@code lines}, persisted) and the lines the
   * tables counted before them ({@code earlier}: silver as of the consumed version, up to the
   * earlier as-of date).
   */
  public record Added(Dataset<Row> lines, Dataset<Row> earlier) {}

  private final SparkSession spark;
  private final Lake lake;

  public GoldChanges(SparkSession spark, Lake lake) {
    this.spark = spark;
    this.lake = lake;
  }

  /**
   * What changed between {@code from} (a table's progress) and {@code now} (the inputs' current
   * versions), for figures as of {@code asOf} after {@code asOfBefore}.
   */
  public Affected between(
      Progress from, Map<TableId, Long> now, LocalDate asOfBefore, LocalDate asOf) {
    Column upToAsOf = col("transaction_date").leq(lit(Date.valueOf(asOf)));
    List<Dataset<Row>> facts = new ArrayList<>();
    List<Dataset<Row>> households = new ArrayList<>();
    List<Dataset<Row>> products = new ArrayList<>();
    Optional<Dataset<Row>> factChanges = changed(from, now, FACTS);
    factChanges.ifPresent(c -> facts.add(factKeys(c)));
    if (asOf.isAfter(asOfBefore)) {
      facts.add(
          factKeys(
              lake.read(spark, FACTS)
                  .filter(col("transaction_date").gt(lit(Date.valueOf(asOfBefore))))));
    }
    Optional<Dataset<Row>> productChanges = changed(from, now, PRODUCTS);
    productChanges.ifPresent(
        c -> {
          products.add(c.select("product_id"));
          // a product whose attributes changed reaches every day and household that bought it
          Dataset<Row> revised =
              c.filter(col("_change_type").isin("update_postimage", "delete"))
                  .select("product_id")
                  .distinct();
          facts.add(factKeys(lake.read(spark, FACTS).join(broadcast(revised), "product_id")));
        });
    changed(from, now, Tables.SILVER_HOUSEHOLDS)
        .ifPresent(c -> households.add(c.select("household_id")));
    changed(from, now, Tables.SILVER_CAMPAIGN_HOUSEHOLDS)
        .ifPresent(c -> households.add(c.select("household_id")));
    changed(from, now, Tables.SILVER_COUPON_REDEMPTIONS)
        .ifPresent(c -> households.add(c.select("household_id")));
    if (asOf.isAfter(asOfBefore) && lake.exists(spark, Tables.SILVER_COUPON_REDEMPTIONS)) {
      households.add(
          lake.read(spark, Tables.SILVER_COUPON_REDEMPTIONS)
              .filter(
                  col("redemption_date")
                      .gt(lit(Date.valueOf(asOfBefore)))
                      .and(col("redemption_date").leq(lit(Date.valueOf(asOf)))))
              .select("household_id"));
    }
    Dataset<Row> keys =
        facts.stream()
            .reduce(Dataset::union)
            .orElseGet(() -> factKeys(lake.read(spark, FACTS).limit(0)))
            .filter(upToAsOf)
            .persist(StorageLevel.MEMORY_AND_DISK());
    long count = keys.count();
    households.add(keys.select("household_id"));
    products.add(keys.select("product_id"));
    List<Date> days =
        keys.select("transaction_date").distinct().collectAsList().stream()
            .map(r -> r.getDate(0))
            .sorted()
            .toList();
    Dataset<Row> h =
        households.stream()
            .map(d -> d.select(col("household_id").cast("long")))
            .reduce(Dataset::union)
            .orElseThrow()
            .distinct()
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> p =
        products.stream()
            .map(d -> d.select(col("product_id").cast("long")))
            .reduce(Dataset::union)
            .orElseThrow()
            .distinct()
            .persist(StorageLevel.MEMORY_AND_DISK());
    keys.unpersist();
    return new Affected(
        h,
        p,
        days,
        count,
        productChanges.isPresent() ? Optional.empty() : added(from, factChanges, asOfBefore, asOf));
  }

  /**
   * The lines a run adds to what the gold tables counted, when adding is all it does: silver's
   * transactions only gained rows since (no update, no delete; the caller checks the catalogue did
   * not change). They are the new rows dated up to the earlier as-of date and every row after it up
   * to the new.
   */
  private Optional<Added> added(
      Progress from, Optional<Dataset<Row>> changes, LocalDate asOfBefore, LocalDate asOf) {
    long before = from.version(FACTS);
    if (before < 0
        || changes
            .map(c -> !c.filter(col("_change_type").notEqual(lit("insert"))).isEmpty())
            .orElse(false)) {
      return Optional.empty();
    }
    Dataset<Row> current = lake.read(spark, FACTS);
    Column[] columns = Arrays.stream(current.columns()).map(functions::col).toArray(Column[]::new);
    List<Dataset<Row>> lines = new ArrayList<>();
    changes.ifPresent(
        c ->
            lines.add(
                c.filter(col("transaction_date").leq(lit(Date.valueOf(asOfBefore))))
                    .select(columns)));
    if (asOf.isAfter(asOfBefore)) {
      lines.add(
          current.filter(
              col("transaction_date")
                  .gt(lit(Date.valueOf(asOfBefore)))
                  .and(col("transaction_date").leq(lit(Date.valueOf(asOf))))));
    }
    Dataset<Row> added =
        lines.stream()
            .reduce(Dataset::union)
            .orElseGet(() -> current.limit(0))
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> earlier =
        lake.readAt(spark, FACTS, before)
            .filter(col("transaction_date").leq(lit(Date.valueOf(asOfBefore))));
    return Optional.of(new Added(added, earlier));
  }

  /** The change feed of an input between the versions, when it moved. */
  private Optional<Dataset<Row>> changed(Progress from, Map<TableId, Long> now, TableId input) {
    long before = from.version(input);
    long after = now.getOrDefault(input, -1L);
    if (after < 0 || before >= after) {
      return Optional.empty();
    }
    return Optional.of(lake.changes(spark, input, before, after));
  }

  private static Dataset<Row> factKeys(Dataset<Row> facts) {
    return facts.select("household_id", "product_id", "transaction_date");
  }
}
