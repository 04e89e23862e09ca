package com.retail.lakehouse.jobs.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.retail.lakehouse.jobs.shop.OrdersApiClient;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A stand-in for the shop's orders API: a real HTTP server on the JDK's {@link HttpServer} over a
 * {@link SimulatedShop} (deterministic orders from a seed), answering with the faults its {@link
 * ShopFaults} are switched to.
 *
 * <p>{@code GET /v1/orders?updated_since=ISO&page_size=K&cursor=C} returns the orders whose {@code
 * updated_at} is at or after {@code updated_since}, ordered by {@code (updated_at, order_id)}, K at
 * a time, with {@code next_cursor} (null on the last page) to pass back for the next page. {@code
 * POST /admin/advance?orders=N&updates=M} advances the shop from outside (for a demo with {@code
 * bin/pipeline shop-api}).
 */
public final class ShopApiSimulator implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(ShopApiSimulator.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  public static final String ORDERS_PATH = OrdersApiClient.ORDERS_PATH;
  public static final String ADVANCE_PATH = "/admin/advance";
  public static final int DEFAULT_PAGE_SIZE = 100;

  private final SimulatedShop shop;
  private final ShopFaults faults = new ShopFaults();
  private HttpServer server;
  private ExecutorService executor;

  /**
   * A simulator whose orders use the given product ids, with {@code initialOrders} orders already
   * placed. The same seed and products give the same orders, updates and timestamps.
   */
  public ShopApiSimulator(long seed, List<String> productIds, int initialOrders) {
    this.shop = new SimulatedShop(seed, productIds, initialOrders);
  }

  /** A simulator over the product ids of a Complete Journey {@code products.csv(.gz)} file. */
  public static ShopApiSimulator withCatalogue(long seed, Path productsCsv, int initialOrders) {
    return new ShopApiSimulator(seed, SimulatedShop.readProductIds(productsCsv), initialOrders);
  }

  /** The orders it serves (to advance them, or to know what to expect). */
  public SimulatedShop shop() {
    return shop;
  }

  /** The faults it answers with, switched on by the caller. */
  public ShopFaults faults() {
    return faults;
  }

  /** Starts serving on the loopback interface; port 0 picks a free port. */
  public ShopApiSimulator start(int port) {
    return start("127.0.0.1", port);
  }

  /** Starts serving on {@code host:port}; port 0 picks a free port. */
  public synchronized ShopApiSimulator start(String host, int port) {
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
    }
    // A pool, so that a slowed response does not hold up the requests behind it.
    executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "shop-api-simulator");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    LOG.info("shop API simulator listening on {}", url());
    return this;
  }

  /** The base URL, for example {@code http://127.0.0.1:41234}. */
  public synchronized String url() {
    if (server == null) {
      throw new IllegalStateException("the simulator is not started");
    }
    InetSocketAddress address = server.getAddress();
    return "http://" + address.getHostString() + ":" + address.getPort();
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      if (path.equals(ADVANCE_PATH) && method.equals("POST")) {
        shop.advance(intParam(query, "orders", 0), intParam(query, "updates", 0));
        respond(exchange, 200, "{\"now\":\"" + shop.now() + "\"}");
        return;
      }
      if (!path.equals(ORDERS_PATH)) {
        respond(exchange, 404, error("not_found", "no resource at " + path));
        return;
      }
      if (!method.equals("GET")) {
        respond(exchange, 405, error("method_not_allowed", method + " is not allowed here"));
        return;
      }
      ShopFaults.Action action =
          faults.decide(
              exchange.getRequestURI().toString(),
              exchange.getRequestHeaders().getFirst("Authorization"));
      switch (action.status()) {
        case 200 -> {}
        case 401 -> {
          exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
          respond(exchange, 401, error("unauthorized", "a valid bearer token is required"));
          return;
        }
        case 302 -> {
          exchange.getResponseHeaders().set("Location", action.location());
          respond(exchange, 302, error("moved", "see " + action.location()));
          return;
        }
        case 429 -> {
          exchange.getResponseHeaders().set("Retry-After", String.valueOf(action.retryAfter()));
          respond(exchange, 429, error("rate_limited", "too many requests"));
          return;
        }
        default -> {
          respond(exchange, action.status(), error("server_error", "the shop is having a moment"));
          return;
        }
      }
      if (!action.delay().isZero()) {
        Thread.sleep(action.delay().toMillis());
      }
      String body;
      try {
        body =
            shop.page(
                query.containsKey("updated_since")
                    ? Instant.parse(query.get("updated_since"))
                    : Instant.EPOCH,
                intParam(query, "page_size", DEFAULT_PAGE_SIZE),
                query.get("cursor"));
      } catch (IllegalArgumentException | DateTimeParseException e) {
        respond(exchange, 400, error("bad_request", e.getMessage()));
        return;
      }
      if (action.corrupt()) {
        exchange.getResponseHeaders().set("Content-Type", "text/html");
        respond(
            exchange, 200, "<html><body><h1>Service temporarily unavailable</h1></body></html>");
        return;
      }
      respond(exchange, 200, body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // The client went away (a timeout on its side, say): nothing to answer.
      LOG.debug("shop API simulator: client gone ({})", e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("shop API simulator: request failed", e);
      throw e;
    }
  }

  private static Map<String, String> query(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params;
  }

  private static int intParam(Map<String, String> query, String name, int fallback) {
    String value = query.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer (got '" + value + "')");
    }
  }

  private static String error(String code, String message) {
    ObjectNode node = JSON.createObjectNode();
    node.put("error", code);
    node.put("message", message);
    return node.toString();
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
