package com.retail.lakehouse.jobs.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.pii.Pseudonymizer;
import com.retail.lakehouse.jobs.local.SimulatedShop;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Silver orders from a simulated shop: latest version wins, pseudonyms, quarantine. */
class OrdersSilverJobTest {
  @TempDir Path root;
  private ShopLake shop;

  @BeforeEach
  void start() {
    shop = new ShopLake(root, 30);
  }

  @AfterEach
  void stop() {
    shop.close();
  }

  /** order_id -> status|updated_at|revenue|cost by the simulator's own model. */
  private Map<String, String> expected() {
    Map<String, String> m = new TreeMap<>();
    for (SimulatedShop.Order o : shop.sim.shop().orders()) {
      m.put(
          o.orderId(),
          o.status() + "|" + o.updatedAt() + "|" + ShopLake.revenue(o) + "|" + ShopLake.cost(o));
    }
    return m;
  }

  private Map<String, String> silver() {
    Map<String, String> m = new TreeMap<>();
    for (Row r : shop.read(Tables.SILVER_ORDERS).collectAsList()) {
      m.put(
          r.getAs("order_id"),
          r.getAs("status")
              + "|"
              + ((java.sql.Timestamp) r.getAs("updated_at")).toInstant()
              + "|"
              + r.getAs("order_revenue")
              + "|"
              + r.getAs("order_cost"));
    }
    return m;
  }

  @Test
  void fullThenIncrementalKeepTheLatestVersionOfEachOrder() {
    shop.extract("run-1");
    StageResult first = shop.silver("run-1");
    assertEquals(30, first.rowsRead());
    assertEquals(30, first.rowsWritten());
    assertEquals(0, first.rowsQuarantined());
    assertEquals(expected(), silver());
    long lines = shop.sim.shop().orders().stream().mapToLong(o -> o.lines().size()).sum();
    assertEquals(lines, shop.read(Tables.SILVER_ORDER_LINES).count());

    Instant before = shop.sim.shop().now();
    shop.sim.shop().advance(6, 25);
    long updatedOld =
        shop.sim.shop().orders().stream()
            .filter(o -> o.updatedAt().isAfter(before) && !o.createdAt().isAfter(before))
            .count();
    assertTrue(updatedOld > 5, "orders of the first run updated since: " + updatedOld);
    StageResult extract = shop.extract("run-2");
    StageResult second = shop.silver("run-2");
    assertEquals(36, second.rowsWritten());
    assertEquals(30 + extract.rowsRead(), second.rowsRead());
    assertEquals(
        second.rowsRead(),
        second.rowsWritten() + second.rowsQuarantined() + second.rowsDuplicate());
    assertTrue(second.rowsDuplicate() >= updatedOld);
    assertEquals(expected(), silver());
    assertEquals(
        shop.sim.shop().orders().stream().mapToLong(o -> o.lines().size()).sum(),
        shop.read(Tables.SILVER_ORDER_LINES).count());

    // unchanged inputs: nothing to do
    long version = shop.lake.version(shop.spark, Tables.SILVER_ORDERS);
    assertTrue(shop.silver("run-3").upToDate());
    assertEquals(version, shop.lake.version(shop.spark, Tables.SILVER_ORDERS));
  }

  @Test
  void customersArePseudonymisedWithTheConfiguredKey() {
    shop.extract("run-1");
    shop.silver("run-1");
    byte[] key = shop.context("x").settings().piiKey();
    SimulatedShop.Order o = shop.sim.shop().orders().get(0);
    Row r = shop.read(Tables.SILVER_ORDERS).where("order_id = '" + o.orderId() + "'").first();
    assertEquals(
        Pseudonymizer.hmacHex(key, "email:" + o.customer().email().toLowerCase()),
        r.getAs("email_pseudonym"));
    assertEquals(
        Pseudonymizer.hmacHex(
            key, "phone:" + o.customer().phone().replace(" ", "")), // "+44 7700 900123" as +44...
        r.getAs("phone_pseudonym"));
    assertEquals(
        Pseudonymizer.hmacHex(key, "customer:" + o.customer().customerId()),
        r.getAs("customer_key"));
    String postcode = o.customer().postcode();
    assertEquals(
        postcode.substring(0, postcode.indexOf(' ')).replaceAll("[0-9]", ""),
        r.getAs("postcode_area"));
    assertEquals(o.customer().city(), r.getAs("city"));
  }

  @Test
  void badOrdersGoToQuarantineWithTheRulesTheyFail() {
    SimulatedShop.Order model = shop.sim.shop().orders().get(0);
    Instant at = shop.sim.shop().now().plusSeconds(5);
    shop.sim
        .shop()
        .put(
            new SimulatedShop.Order(
                "ORD-BAD-1",
                at,
                at,
                "placed",
                model.customer(),
                List.of(
                    new SimulatedShop.Line(
                        "SKU-1001", "1001", -2, new BigDecimal("1.00"), new BigDecimal("0.50")),
                    new SimulatedShop.Line(
                        "SKU-999", "999", 1, new BigDecimal("1.00"), new BigDecimal("0.50"))),
                "web",
                "card"));
    shop.sim
        .shop()
        .put(
            new SimulatedShop.Order(
                "ORD-BAD-2",
                at,
                at,
                "lost_in_space",
                model.customer(),
                List.of(
                    new SimulatedShop.Line(
                        "SKU-1002", "1002", 1, new BigDecimal("-1.00"), new BigDecimal("0.50"))),
                "web",
                "card"));
    shop.extract("run-1");
    StageResult result = shop.silver("run-1");
    assertEquals(32, result.rowsRead());
    assertEquals(30, result.rowsWritten());
    assertEquals(2, result.rowsQuarantined());
    Map<String, String> reasons = new TreeMap<>();
    for (Row r : shop.read(Tables.QUARANTINE_ORDERS).collectAsList()) {
      reasons.put(r.getAs("order_id"), String.valueOf(r.getList(r.fieldIndex("failed_rules"))));
      assertTrue(
          ((String) r.getAs("order_json")).contains("\"order_id\":\"" + r.getAs("order_id")));
    }
    assertEquals(
        Map.of(
            "ORD-BAD-1", "[invalid_quantity, unknown_product]",
            "ORD-BAD-2", "[unknown_status, invalid_unit_price]"),
        reasons);
    assertEquals(0, shop.read(Tables.SILVER_ORDERS).where("order_id LIKE 'ORD-BAD%'").count());
  }
}
