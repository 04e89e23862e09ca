package com.retail.lakehouse.jobs.shop;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.pii.Pseudonymizer;
import com.retail.lakehouse.common.publish.Postgres;
import com.retail.lakehouse.jobs.local.SimulatedShop;
import com.retail.lakehouse.jobs.support.TestDatabase;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Erasing one customer leaves no trace of them, old Delta files included, and nobody else lost. */
class ForgetCustomerTest {
  static final String SCHEMA = "forget_test";

  @TempDir Path root;
  private ShopLake shop;

  @BeforeEach
  void start() {
    shop = new ShopLake(root, 40);
  }

  @AfterEach
  void stop() {
    shop.close();
    shop.spark.conf().unset("spark.databricks.delta.retentionDurationCheck.enabled");
  }

  private static boolean isSale(SimulatedShop.Order o) {
    return !OrderSales.NOT_SALES.contains(o.status());
  }

  @Test
  void pageBodiesLoseOnlyTheSubjectsOrders() {
    String body =
        "{\"orders\":[{\"order_id\":\"A\",\"customer\":{\"customer_id\":\"C1\",\"email\":\"a@x.org\"}},"
            + "{\"order_id\":\"B\",\"customer\":{\"customer_id\":\"C2\",\"email\":\"b@x.org\"}}],"
            + "\"page_size\":2,\"next_cursor\":null}";
    var subject = new ForgetCustomer.Subject(Set.of(), Set.of("a@x.org"));
    assertEquals(
        "{\"orders\":[{\"order_id\":\"B\",\"customer\":{\"customer_id\":\"C2\",\"email\":\"b@x.org\"}}],"
            + "\"page_size\":2,\"next_cursor\":null}",
        ForgetCustomer.withoutSubject(body, subject));
    assertEquals(
        null,
        ForgetCustomer.withoutSubject(body, new ForgetCustomer.Subject(Set.of("C9"), Set.of())));
    assertTrue(subject.matches(null, " A@X.ORG "));
  }

  @Test
  void erasureLeavesNoTraceOfTheCustomer() throws Exception {
    shop.extract("f-1");
    shop.sim.shop().advance(5, 15);
    shop.extract("f-2");
    shop.silver("f-2");
    shop.gold("f-2");
    Postgres db = TestDatabase.get();
    shop.publishOrderTables("f-2", "postgres.schema=" + SCHEMA);

    // a customer with a sale, so that they are in the gold tables by customer before
    SimulatedShop.Customer gone =
        shop.sim.shop().orders().stream()
            .filter(ForgetCustomerTest::isSale)
            .findFirst()
            .orElseThrow()
            .customer();
    List<SimulatedShop.Order> kept =
        shop.sim.shop().orders().stream()
            .filter(o -> !o.customer().customerId().equals(gone.customerId()))
            .toList();
    assertTrue(kept.size() < shop.sim.shop().orders().size());
    String goneKey =
        Pseudonymizer.pseudonym(
            shop.context("forget-0").settings().piiKey(), "customer", gone.customerId());
    assertTrue(servedRowsOf(db, goneKey) > 0, "served by day before the erasure");
    long silverVersion = shop.lake.version(shop.spark, Tables.SILVER_ORDERS);
    long bronzeVersion = shop.lake.version(shop.spark, Tables.BRONZE_ORDERS_RAW);

    shop.spark.conf().set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
    JobContext ctx =
        shop.context("forget-1", "pii.erasure-retention-hours=0", "postgres.schema=" + SCHEMA)
            .withDatabase(db);
    ForgetCustomer.Outcome outcome =
        ForgetCustomer.forget(shop.spark, ctx, "  " + gone.email().toUpperCase() + " ", null);
    byte[] key = ctx.settings().piiKey();
    String customerKey = Pseudonymizer.pseudonym(key, "customer", gone.customerId());
    assertEquals(List.of(customerKey), outcome.customerKeys());

    // Silver and bronze hold exactly the other customers' orders.
    Set<String> expectedIds =
        kept.stream()
            .map(SimulatedShop.Order::orderId)
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(
        expectedIds,
        shop.read(Tables.SILVER_ORDERS).select("order_id").collectAsList().stream()
            .map(r -> r.getString(0))
            .collect(Collectors.toCollection(TreeSet::new)));
    assertEquals(
        expectedIds,
        OrdersSilverJob.toOrders(shop.read(Tables.BRONZE_ORDERS_RAW))
            .select("o.order_id")
            .distinct()
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .collect(Collectors.toCollection(TreeSet::new)));
    assertEquals(
        kept.stream().mapToLong(o -> o.lines().size()).sum(),
        shop.read(Tables.SILVER_ORDER_LINES).count());

    // Gold and PostgreSQL: recomputed without them.
    BigDecimal revenue =
        kept.stream()
            .filter(ForgetCustomerTest::isSale)
            .map(ShopLake::revenue)
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    assertEquals(
        revenue,
        shop.read(Tables.GOLD_ORDER_KPIS).selectExpr("sum(revenue)").first().getDecimal(0));
    try (var c = db.connect();
        var st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT sum(revenue) FROM " + SCHEMA + ".order_kpis")) {
      rs.next();
      assertEquals(revenue, rs.getBigDecimal(1));
    }

    // Their pseudonym is in no gold table by customer, in the lake or served.
    assertEquals(
        0,
        shop.read(Tables.GOLD_ORDER_SALES_BY_DAY)
            .filter(col("customer_key").equalTo(customerKey))
            .count());
    assertEquals(0, servedRowsOf(db, customerKey));

    // No identifier of theirs in any string column of any table, bronze and quarantine included.
    PiiScan scan = PiiScan.identifiers(List.of(gone));
    assertEquals(List.of(), scan.scanLake(shop.spark, shop.lake, shop.lake.tables(shop.spark)));
    assertEquals(List.of(), scan.scanDatabase(db, List.of(SCHEMA, "ops")));
    // ... nor in any file of the lake that is text (the Delta logs), nor in any Parquet file left.
    String email = gone.email().toLowerCase();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (f.toString().endsWith(".json") || f.toString().endsWith(".crc")) {
          assertFalse(
              new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)
                  .toLowerCase()
                  .contains(email),
              f.toString());
        }
        if (f.toString().endsWith(".parquet") && !f.toString().contains("_delta_log")) {
          assertEquals(
              0,
              shop.spark
                  .read()
                  .parquet(f.toString())
                  .toJSON()
                  .filter(
                      (org.apache.spark.api.java.function.FilterFunction<String>)
                          s -> s.toLowerCase().contains(email))
                  .count(),
              f.toString());
        }
      }
    }
    // The versions before the erasure cannot be read any more: their files were vacuumed.
    for (var table : List.of(Tables.SILVER_ORDERS, Tables.BRONZE_ORDERS_RAW)) {
      long before = table == Tables.SILVER_ORDERS ? silverVersion : bronzeVersion;
      assertThrows(
          Exception.class,
          () ->
              shop.spark
                  .read()
                  .format("delta")
                  .option("versionAsOf", before)
                  .load(shop.lake.path(table))
                  .collectAsList(),
          table + "@" + before);
    }

    // The audit holds the pseudonym and the time only.
    Row erasure = shop.read(Tables.OPS_ERASURES).first();
    assertEquals(List.of(customerKey), erasure.getList(erasure.fieldIndex("customer_keys")));
    assertEquals(
        List.of(Pseudonymizer.pseudonym(key, "email", gone.email())),
        erasure.getList(erasure.fieldIndex("email_pseudonyms")));
    assertEquals(1, shop.read(Tables.OPS_ERASURES).count());
    List<TableId> all = shop.lake.tables(shop.spark);
    assertTrue(all.contains(Tables.OPS_ERASURES));
  }

  /** Rows of gold.order_sales_by_day served for this customer pseudonym. */
  private static long servedRowsOf(Postgres db, String customerKey) throws Exception {
    try (var c = db.connect();
        var st =
            c.prepareStatement(
                "SELECT count(*) FROM " + SCHEMA + ".order_sales_by_day WHERE customer_key = ?")) {
      st.setString(1, customerKey);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
