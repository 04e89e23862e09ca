package com.retail.lakehouse.jobs.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Progress;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes each gold table, in full or by the keys that changed: the customer summary and product
 * performance are merged from their rows' base figures (recomputed for the affected households and
 * products only, then scored or ranked among all), the tables by day have the affected days
 * replaced. Every commit records the inputs' versions and the as-of date it reflects.
 */
public final class GoldTables {
  private static final Logger LOG = LogManager.getLogger(GoldTables.class);

  private final SparkSession spark;
  private final Lake lake;
  private final Map<String, GoldChanges.Affected> changes = new HashMap<>();
  private long transactionRows = -1;

  public GoldTables(SparkSession spark, Lake lake) {
    this.spark = spark;
    this.lake = lake;
  }

  /**
   * Brings one table to {@code after}: in full when there is no usable progress ({@code before}
   * empty) or the change feed cannot be read, by the affected keys otherwise.
   */
  public void refresh(
      TableId table,
      Optional<Progress> before,
      LocalDate asOfBefore,
      LocalDate asOf,
      Map<TableId, Long> now,
      Progress after,
      StageResult.Builder result) {
    String metadata = after.toJson();
    long written;
    if (before.isEmpty() || !lake.exists(spark, table)) {
      written = lake.replace(table, ordered(full(table, asOf)), metadata);
      result.detail(table.name() + ".full", 1);
      // a full build reads every transaction (the run summary said "read 0 rows")
      result.read(table.name() + ".facts", transactionRows());
    } else {
      GoldChanges.Affected affected;
      try {
        affected =
            changes.computeIfAbsent(
                before.get().toJson() + asOfBefore + asOf,
                k -> new GoldChanges(spark, lake).between(before.get(), now, asOfBefore, asOf));
      } catch (RuntimeException e) {
        LOG.warn("{}: cannot read what changed ({}); recomputing it whole", table, e.getMessage());
        refresh(table, Optional.empty(), asOfBefore, asOf, now, after, result);
        return;
      }
      result.read(table.name() + ".changed_facts", affected.facts());
      written = incremental(table, affected, asOf, metadata);
    }
    result.written(table.name(), written);
  }

  /** Rows of silver.transactions, read once per stage run (each full build reads them all). */
  private long transactionRows() {
    if (transactionRows < 0) {
      transactionRows = lake.rowCount(spark, Tables.SILVER_TRANSACTIONS);
    }
    return transactionRows;
  }

  public void release() {
    changes.values().forEach(GoldChanges.Affected::release);
  }

  /** The whole table as of the date. */
  private Dataset<Row> full(TableId table, LocalDate asOf) {
    Dataset<Row> tx = facts(asOf);
    Dataset<Row> products = lake.read(spark, Tables.SILVER_PRODUCTS);
    if (table.equals(Tables.GOLD_CUSTOMER_SUMMARY)) {
      return CustomerSummary.summarize(
          tx,
          products,
          lake.read(spark, Tables.SILVER_HOUSEHOLDS),
          lake.read(spark, Tables.SILVER_COUPON_REDEMPTIONS),
          lake.read(spark, Tables.SILVER_CAMPAIGN_HOUSEHOLDS),
          asOf);
    }
    if (table.equals(Tables.GOLD_PRODUCT_PERFORMANCE)) {
      return ProductPerformance.summarize(tx, products);
    }
    return byDay(table).apply(tx, products);
  }

  private long incremental(
      TableId table, GoldChanges.Affected affected, LocalDate asOf, String metadata) {
    if (table.equals(Tables.GOLD_CUSTOMER_SUMMARY)) {
      Dataset<Row> h = affected.households();
      Dataset<Row> base =
          CustomerSummary.base(
              semi(facts(asOf), h, "household_id"),
              lake.read(spark, Tables.SILVER_PRODUCTS),
              semi(lake.read(spark, Tables.SILVER_HOUSEHOLDS), h, "household_id"),
              semi(lake.read(spark, Tables.SILVER_COUPON_REDEMPTIONS), h, "household_id"),
              semi(lake.read(spark, Tables.SILVER_CAMPAIGN_HOUSEHOLDS), h, "household_id"),
              asOf);
      Dataset<Row> kept = kept(table, CustomerSummary.BASE_COLUMNS, h, "household_id");
      return lake.mergeWhole(
          table,
          CustomerSummary.score(kept.unionByName(base), asOf),
          List.of("household_id"),
          metadata);
    }
    if (table.equals(Tables.GOLD_PRODUCT_PERFORMANCE)) {
      Dataset<Row> products = lake.read(spark, Tables.SILVER_PRODUCTS);
      if (affected.added().isPresent()) {
        // lines added alone: each product's stored figures plus its new lines' (not its history)
        GoldChanges.Added added = affected.added().get();
        Dataset<Row> p = added.lines().select("product_id").distinct();
        Dataset<Row> stored =
            semi(
                lake.read(spark, table).select(columns(ProductPerformance.BASE_COLUMNS)),
                p,
                "product_id");
        try {
          long written =
              mergeProducts(
                  table,
                  p,
                  ProductPerformance.plus(stored, added.lines(), added.earlier(), products),
                  metadata);
          LOG.info("{}: the added lines' figures added to the stored ones", table);
          return written;
        } catch (RuntimeException e) {
          // the earlier lines are read as of a past version, whose files maintenance may have
          // compacted and vacuumed since: then the products sold are counted again
          LOG.warn("{}: cannot add to the stored figures ({}); recounting", table, e.getMessage());
        }
      }
      Dataset<Row> p = affected.products();
      return mergeProducts(
          table,
          p,
          ProductPerformance.base(semi(facts(asOf), p, "product_id"), products),
          metadata);
    }
    List<Date> days = affected.days();
    if (days.isEmpty()) {
      return lake.commitMetadataOnly(table, metadata);
    }
    Dataset<Row> slice =
        byDay(table)
            .apply(
                lake.read(spark, Tables.SILVER_TRANSACTIONS)
                    .filter(col("transaction_date").isin(days.toArray())),
                lake.read(spark, Tables.SILVER_PRODUCTS));
    String predicate =
        "sales_date IN ("
            + days.stream().map(d -> "DATE'" + d + "'").collect(Collectors.joining(", "))
            + ")";
    return lake.replaceWhere(table, ordered(slice), predicate, metadata);
  }

  /** Merges the products' recomputed base rows, ranked among the stored rows of the others. */
  private long mergeProducts(TableId table, Dataset<Row> p, Dataset<Row> base, String metadata) {
    Dataset<Row> kept = kept(table, ProductPerformance.BASE_COLUMNS, p, "product_id");
    return lake.mergeWhole(
        table, ProductPerformance.rank(kept.unionByName(base)), List.of("product_id"), metadata);
  }

  /**
   * The stored rows' base figures, less the keys being recomputed (read once, before the merge).
   */
  private Dataset<Row> kept(TableId table, List<String> columns, Dataset<Row> keys, String key) {
    return lake.read(spark, table)
        .select(columns(columns))
        .join(keys, Columns.seq(key), "left_anti")
        .localCheckpoint();
  }

  private static org.apache.spark.sql.Column[] columns(List<String> names) {
    return names.stream().map(c -> col(c)).toArray(org.apache.spark.sql.Column[]::new);
  }

  private Dataset<Row> facts(LocalDate asOf) {
    return lake.read(spark, Tables.SILVER_TRANSACTIONS)
        .filter(col("transaction_date").leq(lit(Date.valueOf(asOf))));
  }

  private static Dataset<Row> semi(Dataset<Row> rows, Dataset<Row> keys, String key) {
    return rows.join(keys, Columns.seq(key), "left_semi");
  }

  private static BiFunction<Dataset<Row>, Dataset<Row>, Dataset<Row>> byDay(TableId table) {
    if (table.equals(Tables.GOLD_SALES_BY_DAY_DEPARTMENT)) {
      return SalesByDayDepartment::summarize;
    }
    if (table.equals(Tables.GOLD_SALES_BY_DAY_PRODUCT)) {
      return SalesByDayProduct::summarize;
    }
    if (table.equals(Tables.GOLD_SALES_BY_BASKET_DEPARTMENT)) {
      return SalesByBasketDepartment::summarize;
    }
    throw new IllegalArgumentException("not a gold table: " + table);
  }

  /** Tables by day are stored in date order, so that replacing a day touches few files. */
  private static Dataset<Row> ordered(Dataset<Row> rows) {
    return java.util.Arrays.asList(rows.columns()).contains("sales_date")
        ? rows.repartitionByRange(col("sales_date")).sortWithinPartitions("sales_date")
        : rows;
  }
}
