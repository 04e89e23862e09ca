package com.retail.lakehouse.common.lake;

import java.util.List;

/** Every table the pipeline writes, by layer. */
public final class Tables {
  private Tables() {}

  public static final String BRONZE = "bronze";
  public static final String SILVER = "silver";
  public static final String QUARANTINE = "quarantine";
  public static final String GOLD = "gold";
  public static final String OPS = "ops";

  public static final TableId SILVER_TRANSACTIONS = new TableId(SILVER, "transactions");
  public static final TableId SILVER_PRODUCTS = new TableId(SILVER, "products");
  public static final TableId SILVER_HOUSEHOLDS = new TableId(SILVER, "households");
  public static final TableId SILVER_CAMPAIGNS = new TableId(SILVER, "campaigns");
  public static final TableId SILVER_CAMPAIGN_HOUSEHOLDS =
      new TableId(SILVER, "campaign_households");
  public static final TableId SILVER_COUPONS = new TableId(SILVER, "coupons");
  public static final TableId SILVER_COUPON_REDEMPTIONS = new TableId(SILVER, "coupon_redemptions");
  public static final TableId SILVER_PROMOTIONS = new TableId(SILVER, "promotions");

  public static final TableId GOLD_CUSTOMER_SUMMARY = new TableId(GOLD, "customer_summary");
  public static final TableId GOLD_PRODUCT_PERFORMANCE = new TableId(GOLD, "product_performance");
  public static final TableId GOLD_SALES_BY_DAY_DEPARTMENT =
      new TableId(GOLD, "sales_by_day_department");
  public static final TableId GOLD_SALES_BY_DAY_PRODUCT = new TableId(GOLD, "sales_by_day_product");

  /** Per basket and department: the grain for exact basket and household counts over a filter. */
  public static final TableId GOLD_SALES_BY_BASKET_DEPARTMENT =
      new TableId(GOLD, "sales_by_basket_department");

  public static final TableId GOLD_FREQUENT_ITEMSETS = new TableId(GOLD, "frequent_itemsets");
  public static final TableId GOLD_ASSOCIATION_RULES = new TableId(GOLD, "association_rules");
  public static final TableId GOLD_CUSTOMER_RECOMMENDATIONS =
      new TableId(GOLD, "customer_recommendations");

  public static final TableId OPS_PIPELINE_RUNS = new TableId(OPS, "pipeline_runs");
  public static final TableId OPS_WATERMARKS = new TableId(OPS, "watermarks");

  /** Hold-out figures of the recommenders, and the publish gate's verdicts. */
  public static final TableId OPS_RECOMMENDATION_EVALUATIONS =
      new TableId(OPS, "recommendation_evaluations");

  /** Per run, table and rule: rows checked and failed, severity, action, status. */
  public static final TableId OPS_QUALITY_CHECKS = new TableId(OPS, "quality_checks");

  /** Per run and table written: rows added, rows held, newest event time. */
  public static final TableId OPS_TABLE_FRESHNESS = new TableId(OPS, "table_freshness");

  /** Raw pages of the shop's orders API, exactly as received. */
  public static final TableId BRONZE_ORDERS_RAW = new TableId(BRONZE, "orders_raw");

  /** The shop's orders, latest version of each, PII pseudonymised. */
  public static final TableId SILVER_ORDERS = new TableId(SILVER, "orders");

  /** The lines of the orders in {@link #SILVER_ORDERS}. */
  public static final TableId SILVER_ORDER_LINES = new TableId(SILVER, "order_lines");

  /** Orders that failed a rule, with their raw JSON: restricted like bronze. */
  public static final TableId QUARANTINE_ORDERS = new TableId(QUARANTINE, "orders");

  public static final TableId GOLD_ORDER_KPIS = new TableId(GOLD, "order_kpis");
  public static final TableId GOLD_PRODUCT_PROFIT = new TableId(GOLD, "product_profit");
  public static final TableId GOLD_SALES_BY_REGION = new TableId(GOLD, "sales_by_region");

  /** Per order date, postcode area and customer pseudonym: orders and revenue of the shop. */
  public static final TableId GOLD_ORDER_SALES_BY_DAY = new TableId(GOLD, "order_sales_by_day");

  /** Per order date and product: units, revenue and cost of the shop's orders. */
  public static final TableId GOLD_PRODUCT_PROFIT_BY_DAY =
      new TableId(GOLD, "product_profit_by_day");

  /** Erasures done by {@code bin/pipeline forget}: pseudonym and time, never the clear value. */
  public static final TableId OPS_ERASURES = new TableId(OPS, "erasures");

  /** The gold tables of the shop's orders, published when the lake has them. */
  public static final List<TableId> ORDER_GOLD_TABLES =
      List.of(
          GOLD_ORDER_KPIS,
          GOLD_PRODUCT_PROFIT,
          GOLD_SALES_BY_REGION,
          GOLD_ORDER_SALES_BY_DAY,
          GOLD_PRODUCT_PROFIT_BY_DAY);

  /** The gold tables, in the order they are published. */
  public static final List<TableId> GOLD_TABLES =
      List.of(
          GOLD_CUSTOMER_SUMMARY,
          GOLD_PRODUCT_PERFORMANCE,
          GOLD_SALES_BY_DAY_DEPARTMENT,
          GOLD_SALES_BY_DAY_PRODUCT,
          GOLD_SALES_BY_BASKET_DEPARTMENT,
          GOLD_FREQUENT_ITEMSETS,
          GOLD_ASSOCIATION_RULES,
          GOLD_CUSTOMER_RECOMMENDATIONS);

  public static TableId bronze(String name) {
    return new TableId(BRONZE, name);
  }

  public static TableId quarantine(String name) {
    return new TableId(QUARANTINE, name);
  }
}
