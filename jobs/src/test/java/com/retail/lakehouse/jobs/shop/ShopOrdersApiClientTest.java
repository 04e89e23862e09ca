package com.retail.lakehouse.jobs.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.config.ConfigLoader;
import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.jobs.local.ShopApiSimulator;
import com.retail.lakehouse.jobs.shop.OrdersApiClient.Extraction;
import com.retail.lakehouse.jobs.shop.OrdersApiClient.OrdersApiException;
import com.retail.lakehouse.jobs.shop.OrdersApiClient.Policy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against the simulator over loopback: real HTTP, recorded waits. */
class ShopOrdersApiClientTest {
  private static final Duration BACKOFF = Duration.ofMillis(100);

  private ShopApiSimulator sim;
  private final RecordingSleeper sleeper = new RecordingSleeper();

  @BeforeEach
  void start() {
    // 25 orders at 10 a page: 3 pages
    sim = new ShopApiSimulator(11, List.of("1001", "1002", "1003"), 25).start(0);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private OrdersApiClient client(int maxTries, Duration timeout, Optional<String> token) {
    return new OrdersApiClient(
        sim.url(), token, 10, new Policy(maxTries, timeout, BACKOFF), sleeper);
  }

  private OrdersApiClient client() {
    return client(4, Duration.ofSeconds(5), Optional.empty());
  }

  @Test
  void fetchesEveryPageWithoutWaiting() {
    Extraction x = client().fetch(Optional.empty());
    assertEquals(3, x.pages().size());
    assertEquals(
        List.of(10, 10, 5), x.pages().stream().map(OrdersApiClient.Page::orderCount).toList());
    assertEquals(Optional.of(sim.shop().now()), x.maxUpdatedAt());
    assertEquals(3, sim.faults().requests().size());
    assertEquals(List.of(), sleeper.waits());
  }

  @Test
  void rateLimitWaitsForRetryAfter() {
    sim.faults().rateLimitNext(2, 7);
    Extraction x = client().fetch(Optional.empty());
    assertEquals(25, x.orderCount());
    assertEquals(List.of(Duration.ofSeconds(7), Duration.ofSeconds(7)), sleeper.waits());
    assertEquals(5, sim.faults().requests().size());
  }

  @Test
  void serverErrorsAreRetriedWithExponentialBackoff() {
    sim.faults().failNext(500, 3);
    Extraction x = client().fetch(Optional.empty());
    assertEquals(25, x.orderCount());
    assertEquals(
        List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400)),
        sleeper.waits());
    assertEquals(6, sim.faults().requests().size());
  }

  @Test
  void triesRunningOutFailWithAClearMessage() {
    sim.faults().failNext(503, 10);
    OrdersApiException e =
        assertThrows(
            OrdersApiException.class,
            () -> client(3, Duration.ofSeconds(5), Optional.empty()).fetch(Optional.empty()));
    assertTrue(e.getMessage().contains("failed after 3 tries (last: HTTP 503)"), e.getMessage());
    assertTrue(e.getMessage().contains(sim.url() + "/v1/orders?page_size=10"), e.getMessage());
    assertEquals(3, sim.faults().requests().size());
    assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), sleeper.waits());
  }

  @Test
  void slowResponseTimesOutAndIsRetried() {
    sim.faults().delayNext(Duration.ofSeconds(5));
    long started = System.nanoTime();
    Extraction x = client(4, Duration.ofMillis(400), Optional.empty()).fetch(Optional.empty());
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertEquals(25, x.orderCount());
    assertEquals(List.of(BACKOFF), sleeper.waits());
    assertEquals(4, sim.faults().requests().size());
    assertTrue(tookMs < 4000, "did not wait for the slow response: " + tookMs + " ms");
  }

  @Test
  void pageThatIsNotJsonFailsAtOnce() {
    sim.faults().corruptNextPage();
    OrdersApiException e =
        assertThrows(OrdersApiException.class, () -> client().fetch(Optional.empty()));
    assertTrue(e.getMessage().contains("page 1"), e.getMessage());
    assertTrue(e.getMessage().contains("is not JSON"), e.getMessage());
    assertEquals(1, sim.faults().requests().size());
  }

  @Test
  void bearerTokenIsRequiredWhenTheApiAsksForOne() {
    sim.faults().requireToken("s3cret");
    UserError e = assertThrows(UserError.class, () -> client().fetch(Optional.empty()));
    assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
    assertTrue(e.getMessage().contains("orders-api.token-env"), e.getMessage());
    assertEquals(1, sim.faults().requests().size());
    UserError wrong =
        assertThrows(
            UserError.class,
            () -> client(4, Duration.ofSeconds(5), Optional.of("nope")).fetch(Optional.empty()));
    assertTrue(wrong.getMessage().contains("not accepted"), wrong.getMessage());
    assertEquals(
        25,
        client(4, Duration.ofSeconds(5), Optional.of("s3cret"))
            .fetch(Optional.empty())
            .orderCount());
  }

  @Test
  void aRedirectToAnotherHostIsNotFollowedSoTheTokenStaysHome() {
    sim.faults().requireToken("s3cret");
    try (ShopApiSimulator elsewhere =
        new ShopApiSimulator(11, List.of("1001", "1002", "1003"), 25).start(0)) {
      sim.faults().redirectNextTo(elsewhere.url() + "/v1/orders?page_size=10", 1);
      OrdersApiException e =
          assertThrows(
              OrdersApiException.class,
              () ->
                  client(4, Duration.ofSeconds(5), Optional.of("s3cret")).fetch(Optional.empty()));
      assertTrue(
          e.getMessage().contains("to " + elsewhere.url() + ", another host: not followed"),
          e.getMessage());
      assertEquals(List.of(), elsewhere.faults().requests(), "nothing reached the other host");
      assertEquals(1, sim.faults().requests().size());
    }
  }

  @Test
  void aRedirectOnTheSameHostIsFollowedWithTheToken() {
    sim.faults().requireToken("s3cret");
    sim.faults().redirectNextTo(sim.url() + "/v1/orders?page_size=10&moved=1", 1);
    Extraction x = client(4, Duration.ofSeconds(5), Optional.of("s3cret")).fetch(Optional.empty());
    assertEquals(25, x.orderCount());
    // the redirect, its target (which needed the token), then pages 2 and 3
    assertEquals(4, sim.faults().requests().size());
    assertEquals("/v1/orders?page_size=10&moved=1", sim.faults().requests().get(1));
  }

  @Test
  void theTokenComesFromTheVariableTheConfigurationNames() {
    // HOME is set in any environment: its value stands for the token here
    String home = System.getenv("HOME");
    sim.faults().requireToken(home);
    Settings.OrdersApi api =
        ConfigLoader.load(
                "local", null, List.of("orders-api.url=" + sim.url(), "orders-api.token-env=HOME"))
            .ordersApi();
    assertEquals(Optional.of(home), api.token());
    assertEquals(25, OrdersApiClient.of(api, sleeper).fetch(Optional.empty()).orderCount());
    Settings.OrdersApi unset =
        ConfigLoader.load(
                "local",
                null,
                List.of(
                    "orders-api.url=" + sim.url(),
                    "orders-api.token-env=LAKEHOUSE_TEST_UNSET_VARIABLE"))
            .ordersApi();
    assertThrows(UserError.class, () -> OrdersApiClient.of(unset, sleeper).fetch(Optional.empty()));
  }
}
