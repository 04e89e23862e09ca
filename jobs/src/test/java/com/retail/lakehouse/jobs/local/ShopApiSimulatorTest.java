package com.retail.lakehouse.jobs.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.retail.lakehouse.jobs.local.SimulatedShop.Order;
import com.retail.lakehouse.jobs.support.TestContexts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class ShopApiSimulatorTest {
  private static final List<String> PRODUCTS = List.of("1001", "1002", "1003", "1004");
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void sameSeedGivesSameOrdersUpdatesAndTimestamps() {
    ShopApiSimulator a = new ShopApiSimulator(7, PRODUCTS, 20);
    ShopApiSimulator b = new ShopApiSimulator(7, PRODUCTS, 20);
    a.shop().advance(3, 10);
    b.shop().advance(3, 10);
    assertEquals(a.shop().orders(), b.shop().orders());
    assertEquals(a.shop().now(), b.shop().now());
    assertNotEquals(a.shop().orders(), new ShopApiSimulator(8, PRODUCTS, 20).shop().orders());
    assertEquals(23, a.shop().orders().size());
    // 10 updates moved 10 events past the orders' creation: the clock counts 33 distinct events.
    long updated =
        a.shop().orders().stream().filter(o -> !o.updatedAt().equals(o.createdAt())).count();
    assertTrue(updated >= 1 && updated <= 10, "orders updated: " + updated);
    Set<Instant> times = new HashSet<>();
    a.shop().orders().forEach(o -> assertTrue(times.add(o.updatedAt()), "updated_at repeats"));
    a.shop()
        .orders()
        .forEach(o -> o.lines().forEach(l -> assertTrue(PRODUCTS.contains(l.productId()))));
  }

  @Test
  void pagesFollowTheCursorToTheEndInUpdatedAtOrder() throws Exception {
    try (ShopApiSimulator sim = new ShopApiSimulator(3, PRODUCTS, 20).start(0)) {
      sim.shop().advance(0, 6);
      List<String> served = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        String url =
            sim.url() + "/v1/orders?page_size=7" + (cursor == null ? "" : "&cursor=" + cursor);
        HttpResponse<String> response = get(url);
        assertEquals(200, response.statusCode());
        JsonNode page = JSON.readTree(response.body());
        page.get("orders").forEach(o -> served.add(o.get("order_id").asText()));
        cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        pages++;
      } while (cursor != null);
      assertEquals(3, pages);
      List<String> expected =
          sim.shop().orders().stream()
              .sorted((x, y) -> x.updatedAt().compareTo(y.updatedAt()))
              .map(Order::orderId)
              .toList();
      assertEquals(expected, served);

      // updated_since keeps the orders updated at or after it, and nothing else
      Order sixth =
          sim.shop().orders().stream()
              .sorted((x, y) -> x.updatedAt().compareTo(y.updatedAt()))
              .toList()
              .get(5);
      String since = URLEncoder.encode(sixth.updatedAt().toString(), StandardCharsets.UTF_8);
      JsonNode page =
          JSON.readTree(get(sim.url() + "/v1/orders?page_size=100&updated_since=" + since).body());
      assertEquals(15, page.get("orders").size());
      assertEquals(sixth.orderId(), page.get("orders").get(0).get("order_id").asText());
      JsonNode line = page.get("orders").get(0).get("lines").get(0);
      assertTrue(line.get("unit_price").isNumber() && line.has("unit_cost") && line.has("sku"));
      assertTrue(
          page.get("orders")
              .get(0)
              .get("customer")
              .get("postcode")
              .asText()
              .matches("[A-Z]{1,2}\\d{1,2} \\d[A-Z]{2}"));
    }
  }

  @Test
  void faultsAnswerAsSwitched() throws Exception {
    try (ShopApiSimulator sim = new ShopApiSimulator(3, PRODUCTS, 5).start(0)) {
      String url = sim.url() + "/v1/orders";
      sim.faults().rateLimitNext(1, 9);
      HttpResponse<String> limited = get(url);
      assertEquals(429, limited.statusCode());
      assertEquals("9", limited.headers().firstValue("Retry-After").orElseThrow());
      sim.faults().failNext(503, 1);
      assertEquals(503, get(url).statusCode());
      sim.faults().corruptNextPage();
      HttpResponse<String> corrupt = get(url);
      assertEquals(200, corrupt.statusCode());
      assertTrue(corrupt.body().startsWith("<html>"));
      sim.faults().requireToken("s3cret");
      assertEquals(401, get(url).statusCode());
      HttpRequest withToken =
          HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer s3cret").build();
      assertEquals(200, http.send(withToken, HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(
          400,
          http.send(
                  HttpRequest.newBuilder(URI.create(url + "?page_size=0"))
                      .header("Authorization", "Bearer s3cret")
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode());
    }
  }

  @Test
  void productsComeFromTheShippedCompleteJourneyCatalogue() throws Exception {
    Path file = TestContexts.sample().resolve("products.csv.gz");
    List<String> ids = SimulatedShop.readProductIds(file);
    // read by a different route: every line after the header, the first quoted field
    List<String> expected = new ArrayList<>();
    try (var reader =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      reader.readLine();
      reader.lines().forEach(l -> expected.add(l.split(",", 2)[0].replace("\"", "")));
    }
    assertEquals(expected, ids);
    assertEquals("25671", ids.get(0));
    ShopApiSimulator sim = ShopApiSimulator.withCatalogue(1, file, 10);
    Set<String> catalogue = new HashSet<>(ids);
    sim.shop()
        .orders()
        .forEach(o -> o.lines().forEach(l -> assertTrue(catalogue.contains(l.productId()))));
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
