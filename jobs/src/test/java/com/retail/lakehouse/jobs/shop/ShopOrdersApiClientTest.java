package com.retail.lakehouse.jobs.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.UserError;
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
    assertEquals(Optional.of(sim.now()), x.maxUpdatedAt());
    assertEquals(3, sim.requests().size());
    assertEquals(List.of(), sleeper.waits());
  }

  @Test
  void rateLimitWaitsForRetryAfter() {
    sim.rateLimitNext(2, 7);
    Extraction x = client().fetch(Optional.empty());
    assertEquals(25, x.orderCount());
    assertEquals(List.of(Duration.ofSeconds(7), Duration.ofSeconds(7)), sleeper.waits());
    assertEquals(5, sim.requests().size());
  }

  @Test
  void serverErrorsAreRetriedWithExponentialBackoff() {
    sim.failNext(500, 3);
    Extraction x = client().fetch(Optional.empty());
    assertEquals(25, x.orderCount());
    assertEquals(
        List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400)),
        sleeper.waits());
    assertEquals(6, sim.requests().size());
  }

  @Test
  void triesRunningOutFailWithAClearMessage() {
    sim.failNext(503, 10);
    OrdersApiException e =
        assertThrows(
            OrdersApiException.class,
            () -> client(3, Duration.ofSeconds(5), Optional.empty()).fetch(Optional.empty()));
    assertTrue(e.getMessage().contains("failed after 3 tries (last: HTTP 503)"), e.getMessage());
    assertTrue(e.getMessage().contains(sim.url() + "/v1/orders?page_size=10"), e.getMessage());
    assertEquals(3, sim.requests().size());
    assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), sleeper.waits());
  }

  @Test
  void slowResponseTimesOutAndIsRetried() {
    sim.delayNext(Duration.ofSeconds(5));
    long started = System.nanoTime();
    Extraction x = client(4, Duration.ofMillis(400), Optional.empty()).fetch(Optional.empty());
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertEquals(25, x.orderCount());
    assertEquals(List.of(BACKOFF), sleeper.waits());
    assertEquals(4, sim.requests().size());
    assertTrue(tookMs < 4000, "did not wait for the slow response: " + tookMs + " ms");
  }

  @Test
  void pageThatIsNotJsonFailsAtOnce() {
    sim.corruptNextPage();
    OrdersApiException e =
        assertThrows(OrdersApiException.class, () -> client().fetch(Optional.empty()));
    assertTrue(e.getMessage().contains("page 1"), e.getMessage());
    assertTrue(e.getMessage().contains("is not JSON"), e.getMessage());
    assertEquals(1, sim.requests().size());
  }

  @Test
  void bearerTokenIsRequiredWhenTheApiAsksForOne() {
    sim.requireToken("s3cret");
    UserError e = assertThrows(UserError.class, () -> client().fetch(Optional.empty()));
    assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
    assertTrue(e.getMessage().contains("orders-api.token-env"), e.getMessage());
    assertEquals(1, sim.requests().size());
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
}
