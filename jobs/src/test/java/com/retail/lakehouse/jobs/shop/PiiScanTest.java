package com.retail.lakehouse.jobs.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.publish.Postgres;
import com.retail.lakehouse.jobs.local.SimulatedShop;
import com.retail.lakehouse.jobs.support.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No customer's name, email, phone, street address or full postcode, in clear, anywhere in silver,
 * gold, ops or the serving database; the same scan over bronze finds every customer.
 */
class PiiScanTest {
  static final String SCHEMA = "pii_scan";

  @TempDir Path root;
  private ShopLake shop;

  @BeforeEach
  void start() {
    shop = new ShopLake(root, 60);
  }

  @AfterEach
  void stop() {
    shop.close();
  }

  @Test
  void personalDataNeverLeavesBronzeInClear() throws Exception {
    shop.extract("pii-1");
    shop.sim.shop().advance(10, 30);
    shop.extract("pii-2");
    shop.silver("pii-2");
    shop.gold("pii-2");
    Postgres db = TestDatabase.get();
    shop.publishOrderTables("pii-2", "postgres.schema=" + SCHEMA);

    Set<SimulatedShop.Customer> customers = shop.customersWithOrders();
    assertTrue(customers.size() > 20, "customers: " + customers.size());
    PiiScan scan = new PiiScan(customers);

    List<TableId> tables =
        shop.lake.tables(shop.spark).stream()
            .filter(t -> !t.layer().equals(Tables.BRONZE) && !t.layer().equals(Tables.QUARANTINE))
            .toList();
    assertTrue(
        tables.containsAll(
            List.of(
                Tables.SILVER_ORDERS,
                Tables.SILVER_ORDER_LINES,
                Tables.GOLD_ORDER_KPIS,
                Tables.GOLD_PRODUCT_PROFIT,
                Tables.GOLD_SALES_BY_REGION,
                Tables.GOLD_ORDER_SALES_BY_DAY,
                Tables.GOLD_PRODUCT_PROFIT_BY_DAY,
                Tables.OPS_PIPELINE_RUNS)),
        "tables scanned: " + tables);
    assertEquals(List.of(), scan.scanLake(shop.spark, shop.lake, tables));

    assertTrue(PiiScan.textColumns(db, SCHEMA) >= 3, "text columns served in " + SCHEMA);
    assertEquals(List.of(), scan.scanDatabase(db, List.of(SCHEMA, "ops")));

    // Positive control: the same scan finds every customer in bronze's raw pages.
    for (SimulatedShop.Customer c : customers) {
      assertFalse(
          new PiiScan(List.of(c))
              .scanLake(shop.spark, shop.lake, List.of(Tables.BRONZE_ORDERS_RAW))
              .isEmpty(),
          c.customerId() + " is in bronze");
    }
    // ... and reads PostgreSQL: a value planted in a served table is found.
    SimulatedShop.Customer one = customers.iterator().next();
    try (var c = db.connect();
        var st = c.createStatement()) {
      st.execute("CREATE TABLE " + SCHEMA + ".planted (note text)");
      st.execute("INSERT INTO " + SCHEMA + ".planted VALUES ('call " + one.phone() + "')");
    }
    assertEquals(1, scan.scanDatabase(db, List.of(SCHEMA)).size());
  }
}
