package com.retail.lakehouse.jobs.silver;

import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.quality.CleaningSpec;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One Complete Journey source as silver treats it: its bronze table, its contract, the silver table
 * its kept rows are merged into ({@code demographics} has none: it feeds silver.households), and
 * the columns silver derives from the typed row.
 */
public record SilverSource(
    String name, CleaningSpec spec, Optional<TableId> target, UnaryOperator<Dataset<Row>> finish) {

  public TableId bronze() {
    return Tables.bronze(name);
  }

  public TableId quarantine() {
    return Tables.quarantine(name);
  }

  private static SilverSource of(String name, CleaningSpec spec, TableId target) {
    return new SilverSource(name, spec, Optional.of(target), UnaryOperator.identity());
  }

  /**
   * Every source, in the order silver checks and commits them: a source comes after the sources of
   * the dimensions it references (households come from transactions and demographics).
   */
  public static final List<SilverSource> ALL =
      List.of(
          of("products", SilverSpecs.products(), Tables.SILVER_PRODUCTS),
          new SilverSource(
              "transactions",
              SilverSpecs.transactions(),
              Optional.of(Tables.SILVER_TRANSACTIONS),
              Households::withTransactionDate),
          new SilverSource(
              "demographics",
              SilverSpecs.demographics(),
              Optional.empty(),
              UnaryOperator.identity()),
          of("campaign_descriptions", SilverSpecs.campaigns(), Tables.SILVER_CAMPAIGNS),
          of("campaigns", SilverSpecs.campaignHouseholds(), Tables.SILVER_CAMPAIGN_HOUSEHOLDS),
          of("coupons", SilverSpecs.coupons(), Tables.SILVER_COUPONS),
          of(
              "coupon_redemptions",
              SilverSpecs.couponRedemptions(),
              Tables.SILVER_COUPON_REDEMPTIONS),
          of("promotions", SilverSpecs.promotions(), Tables.SILVER_PROMOTIONS));

  /** True when the source's kept rows make up (part of) the dimension table. */
  public static boolean feeds(SilverSource source, TableId dimension) {
    return source.target().equals(Optional.of(dimension))
        || (dimension.equals(Tables.SILVER_HOUSEHOLDS)
            && HOUSEHOLD_SOURCES.contains(source.name()));
  }

  /** The sources feeding the dimensions a source references: they are checked before it. */
  public static List<SilverSource> feeders(SilverSource source) {
    return ALL.stream()
        .filter(s -> source.spec().references().stream().anyMatch(r -> feeds(s, r.dimension())))
        .toList();
  }

  /** The sources of silver.households. */
  private static final List<String> HOUSEHOLD_SOURCES = List.of("transactions", "demographics");

  /** The source whose kept rows make up the table, if one does (households have two). */
  public static Optional<SilverSource> feeding(TableId table) {
    return ALL.stream().filter(s -> s.target().equals(Optional.of(table))).findFirst();
  }
}
