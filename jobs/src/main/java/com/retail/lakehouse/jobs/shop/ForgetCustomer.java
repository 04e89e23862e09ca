package com.retail.lakehouse.jobs.shop;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.pii.Pseudonymizer;
import com.retail.lakehouse.jobs.PublishJob;
import com.retail.lakehouse.jobs.Stages;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The right to erasure: removes one customer of the shop from bronze (their orders cut out of the
 * raw JSON pages), silver, quarantine, the order gold tables and PostgreSQL (both recomputed and
 * republished), vacuums the files that held them once {@code pii.erasure-retention-hours} have
 * passed, and records the erasure in {@code ops.erasures} with pseudonyms and time only.
 *
 * <p>The customer is named by email (any case or spacing) or by customer id; both lead to every
 * customer id and email their orders carry. Delete conditions written to the Delta log name rows by
 * position or pseudonym, never by the clear email.
 */
public final class ForgetCustomer {
  private static final Logger LOG = LogManager.getLogger(ForgetCustomer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every table an erasure may rewrite, and so vacuum. */
  static final List<TableId> TOUCHED =
      Stream.concat(
              Stream.of(
                  Tables.BRONZE_ORDERS_RAW,
                  Tables.SILVER_ORDERS,
                  Tables.SILVER_ORDER_LINES,
                  Tables.QUARANTINE_ORDERS),
              Tables.ORDER_GOLD_TABLES.stream())
          .toList();

  static final StructType ERASURES =
      new StructType()
          .add("customer_keys", DataTypes.createArrayType(DataTypes.StringType), false)
          .add("email_pseudonyms", DataTypes.createArrayType(DataTypes.StringType), false)
          .add("erased_at", DataTypes.TimestampType, false)
          .add("tables", DataTypes.createArrayType(DataTypes.StringType), false)
          .add("rows_removed", DataTypes.LongType, false)
          .add("orders_removed", DataTypes.LongType, false)
          .add("retention_hours", DataTypes.IntegerType, false);

  /** Who to forget: their customer ids and normalised emails (clear: held in memory only). */
  record Subject(Set<String> customerIds, Set<String> emails) {
    boolean matches(String customerId, String email) {
      return (customerId != null && customerIds.contains(customerId.strip()))
          || (email != null && emails.contains(Pseudonymizer.normalizeEmail(email)));
    }

    List<String> customerKeys(byte[] key) {
      return customerIds.stream()
          .map(id -> Pseudonymizer.pseudonym(key, Pseudonymizer.CUSTOMER, id))
          .sorted()
          .toList();
    }

    List<String> emailPseudonyms(byte[] key) {
      return emails.stream()
          .map(e -> Pseudonymizer.pseudonym(key, Pseudonymizer.EMAIL, e))
          .sorted()
          .toList();
    }
  }

  /** What an erasure did. */
  public record Outcome(
      List<String> customerKeys,
      List<String> emailPseudonyms,
      long ordersRemoved,
      Map<String, Long> rowsRemoved) {}

  private ForgetCustomer() {}

  /**
   * A page body without the subject's orders, or null when none of them is in it. Pure: the rest of
   * the page (cursor, page size, other orders) is kept as it was.
   */
  static String withoutSubject(String body, Subject subject) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return null; // bronze only holds pages that parsed; leave anything else alone
    }
    JsonNode orders = root.get("orders");
    if (!(root instanceof ObjectNode page) || orders == null || !orders.isArray()) {
      return null;
    }
    ArrayNode kept = JSON.createArrayNode();
    boolean removed = false;
    for (JsonNode order : orders) {
      JsonNode customer = order.get("customer");
      String id = customer == null ? null : customer.path("customer_id").asText(null);
      String email = customer == null ? null : customer.path("email").asText(null);
      if (subject.matches(id, email)) {
        removed = true;
      } else {
        kept.add(order);
      }
    }
    if (!removed) {
      return null;
    }
    page.set("orders", kept);
    return page.toString();
  }

  /** Orders in a page body. */
  static int orderCount(String body) {
    try {
      return JSON.readTree(body).path("orders").size();
    } catch (JsonProcessingException e) {
      return 0;
    }
  }

  /**
   * Forgets the customer named by {@code email} or {@code customerId}; republishes the order gold
   * tables to the context's database. Fails when the customer is nowhere in bronze.
   */
  public static Outcome forget(
      SparkSession spark, JobContext ctx, String email, String customerId) {
    Lake lake = ctx.lake();
    lake.requireTables(spark, List.of(Tables.BRONZE_ORDERS_RAW), "orders_extract");
    byte[] key = ctx.settings().piiKey();
    Subject subject = findSubject(spark, lake, email, customerId);
    List<String> customerKeys = subject.customerKeys(key);
    List<String> emailPseudonyms = subject.emailPseudonyms(key);
    LOG.info("forget: customer keys {}, email pseudonyms {}", customerKeys, emailPseudonyms);
    Map<String, Long> removed = new LinkedHashMap<>();

    // Bronze: cut the orders out of the raw pages, page by page, merged back by page identity.
    Dataset<Row> pages = lake.read(spark, Tables.BRONZE_ORDERS_RAW);
    List<Row> rewritten = new ArrayList<>();
    long bronzeOrders = 0;
    Dataset<Row> affected =
        OrdersSilverJob.toOrders(pages)
            .filter(
                col("o.customer.customer_id")
                    .isin(subject.customerIds().toArray())
                    .or(lower(trim(col("o.customer.email"))).isin(subject.emails().toArray())))
            .select("_batch_id", "page_number")
            .distinct();
    for (Row page :
        pages
            .join(
                affected,
                scala.jdk.javaapi.CollectionConverters.asScala(List.of("_batch_id", "page_number"))
                    .toSeq(),
                "left_semi")
            .select("_batch_id", "page_number", "body")
            .collectAsList()) {
      String body = page.getString(2);
      String without = withoutSubject(body, subject);
      if (without != null) {
        bronzeOrders += orderCount(body) - orderCount(without);
        rewritten.add(
            RowFactory.create(page.getString(0), page.getInt(1), without, orderCount(without)));
      }
    }
    if (!rewritten.isEmpty()) {
      StructType schema =
          new StructType()
              .add("_batch_id", DataTypes.StringType)
              .add("page_number", DataTypes.IntegerType)
              .add("body", DataTypes.StringType)
              .add("order_count", DataTypes.IntegerType);
      DeltaTable.forPath(spark, lake.path(Tables.BRONZE_ORDERS_RAW))
          .as("t")
          .merge(
              spark.createDataFrame(rewritten, schema).as("s"),
              "t._batch_id = s._batch_id AND t.page_number = s.page_number")
          .whenMatched()
          .updateExpr(Map.of("body", "s.body", "order_count", "s.order_count"))
          .execute();
    }
    removed.put(Tables.BRONZE_ORDERS_RAW + ".orders", bronzeOrders);

    // Silver: by pseudonym; lines by the order ids those rows had.
    long ordersRemoved = 0;
    if (lake.exists(spark, Tables.SILVER_ORDERS)) {
      var match =
          col("customer_key")
              .isin(customerKeys.toArray())
              .or(col("email_pseudonym").isin(emailPseudonyms.toArray()));
      List<String> orderIds =
          lake
              .read(spark, Tables.SILVER_ORDERS)
              .filter(match)
              .select("order_id")
              .collectAsList()
              .stream()
              .map(r -> r.getString(0))
              .toList();
      ordersRemoved = orderIds.size();
      DeltaTable.forPath(spark, lake.path(Tables.SILVER_ORDERS)).delete(match);
      removed.put(Tables.SILVER_ORDERS.toString(), ordersRemoved);
      if (lake.exists(spark, Tables.SILVER_ORDER_LINES) && !orderIds.isEmpty()) {
        long before = lake.read(spark, Tables.SILVER_ORDER_LINES).count();
        DeltaTable.forPath(spark, lake.path(Tables.SILVER_ORDER_LINES))
            .delete(col("order_id").isin(orderIds.toArray()));
        removed.put(
            Tables.SILVER_ORDER_LINES.toString(),
            before - lake.read(spark, Tables.SILVER_ORDER_LINES).count());
      }
    }

    // Quarantine: rows found by their raw JSON, deleted by position (no clear value in the log).
    if (lake.exists(spark, Tables.QUARANTINE_ORDERS)) {
      List<Row> rows =
          lake
              .read(spark, Tables.QUARANTINE_ORDERS)
              .select("_batch_id", "page_number", "position", "order_json")
              .collectAsList()
              .stream()
              .filter(r -> withoutSubject("{\"orders\":[" + r.getString(3) + "]}", subject) != null)
              .toList();
      for (Row r : rows) {
        DeltaTable.forPath(spark, lake.path(Tables.QUARANTINE_ORDERS))
            .delete(
                col("_batch_id")
                    .equalTo(lit(r.getString(0)))
                    .and(col("page_number").equalTo(lit(r.getInt(1))))
                    .and(col("position").equalTo(lit(r.getInt(2)))));
      }
      removed.put(Tables.QUARANTINE_ORDERS.toString(), (long) rows.size());
    }

    // Gold and serving: recomputed from what is left, republished.
    JobContext forced =
        new JobContext(
            ctx.settings(), ctx.logicalDate(), ctx.runId(), true, ctx.lake(), ctx.database());
    if (lake.exists(spark, Tables.SILVER_ORDERS)) {
      Stages.execute(new OrdersGoldJob(), spark, forced);
      Stages.execute(PublishJob.orderTablesOnly(), spark, ctx);
    }

    // Files that held the customer: purged of deletion vectors, then vacuumed.
    int hours = ctx.settings().piiErasureRetentionHours();
    List<String> touched = new ArrayList<>();
    for (TableId t : TOUCHED) {
      if (lake.exists(spark, t)) {
        spark.sql("REORG TABLE delta.`" + lake.path(t) + "` APPLY (PURGE)");
        DeltaTable.forPath(spark, lake.path(t)).vacuum(hours);
        touched.add(t.toString());
      }
    }

    long rows = removed.values().stream().mapToLong(Long::longValue).sum();
    lake.append(
        Tables.OPS_ERASURES,
        spark.createDataFrame(
            List.of(
                RowFactory.create(
                    scala.jdk.javaapi.CollectionConverters.asScala(customerKeys).toSeq(),
                    scala.jdk.javaapi.CollectionConverters.asScala(emailPseudonyms).toSeq(),
                    Timestamp.from(Instant.now()),
                    scala.jdk.javaapi.CollectionConverters.asScala(touched).toSeq(),
                    rows,
                    Math.max(ordersRemoved, bronzeOrders),
                    hours)),
            ERASURES));
    return new Outcome(
        customerKeys, emailPseudonyms, Math.max(ordersRemoved, bronzeOrders), removed);
  }

  /** Fails unless exactly one of the email and the customer id is given. */
  public static void requireOne(String email, String customerId) {
    if ((email == null || email.isBlank()) == (customerId == null || customerId.isBlank())) {
      throw new UserError("forget needs exactly one of --email ADDRESS or --customer-id ID");
    }
  }

  /**
   * Every customer id and email of the orders in bronze that carry the given email or customer id.
   */
  static Subject findSubject(SparkSession spark, Lake lake, String email, String customerId) {
    requireOne(email, customerId);
    Subject given =
        new Subject(
            customerId == null || customerId.isBlank() ? Set.of() : Set.of(customerId.strip()),
            email == null || email.isBlank()
                ? Set.of()
                : Set.of(Pseudonymizer.normalizeEmail(email)));
    Set<String> ids = new TreeSet<>(given.customerIds());
    Set<String> emails = new TreeSet<>(given.emails());
    List<Row> customers =
        OrdersSilverJob.toOrders(lake.read(spark, Tables.BRONZE_ORDERS_RAW))
            .select(col("o.customer.customer_id"), col("o.customer.email"))
            .distinct()
            .collectAsList();
    for (Row r : customers) {
      if (given.matches(r.getString(0), r.getString(1))) {
        if (r.getString(0) != null) {
          ids.add(r.getString(0).strip());
        }
        if (r.getString(1) != null) {
          emails.add(Pseudonymizer.normalizeEmail(r.getString(1)));
        }
      }
    }
    if (customers.stream().noneMatch(r -> given.matches(r.getString(0), r.getString(1)))) {
      throw new UserError(
          "no order of that customer in "
              + lake.path(Tables.BRONZE_ORDERS_RAW)
              + ": nothing to forget");
    }
    return new Subject(ids, emails);
  }
}
