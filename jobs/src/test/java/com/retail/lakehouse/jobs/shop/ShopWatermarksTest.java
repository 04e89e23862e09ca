package com.retail.lakehouse.jobs.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Watermarks;
import com.retail.lakehouse.jobs.support.TestContexts;
import com.retail.lakehouse.jobs.support.TestSpark;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShopWatermarksTest {
  @TempDir Path dir;
  private final SparkSession spark = TestSpark.get();

  @Test
  void watermarksOnlyMoveForwardAndKeepSourcesApart() {
    Lake lake = new Lake(dir.toString());
    Instant t1 = Instant.parse("2024-03-01T08:00:00Z");
    Instant t2 = Instant.parse("2024-03-01T09:30:00.123456Z");
    assertEquals(Optional.empty(), Watermarks.read(spark, lake, "orders_api"));
    assertTrue(Watermarks.advance(spark, lake, "orders_api", t1, "b1", t1));
    assertTrue(Watermarks.advance(spark, lake, "orders_api", t2, "b2", t2));
    assertFalse(Watermarks.advance(spark, lake, "orders_api", t1, "b3", t2));
    assertTrue(Watermarks.advance(spark, lake, "other", t1, "b4", t2));
    assertEquals(Optional.of(t2), Watermarks.read(spark, lake, "orders_api"));
    assertEquals(Map.of("orders_api", t2, "other", t1), Watermarks.all(spark, lake));
  }

  @Test
  void extractionWithoutAnApiUrlIsAUserError() {
    var ctx = TestContexts.local(dir, TestContexts.sample(), "2024-03-01");
    UserError e = assertThrows(UserError.class, () -> new OrdersExtractJob().run(spark, ctx));
    assertTrue(e.getMessage().contains("--orders-api URL"), e.getMessage());
    UserError bad =
        assertThrows(
            UserError.class,
            () ->
                TestContexts.local(
                    dir, TestContexts.sample(), "2024-03-01", "orders-api.url=ftp://x"));
    assertTrue(
        bad.getMessage().contains("orders-api.url must start with http://"), bad.getMessage());
  }
}
