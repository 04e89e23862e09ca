package com.retail.lakehouse.jobs.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.retail.lakehouse.jobs.shop.OrdersApiClient;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A stand-in for the shop's orders API: a real HTTP server on the JDK's {@link HttpServer} that
 * serves deterministic orders from a seed.
 *
 * <p>{@code GET /v1/orders?updated_since=ISO&page_size=K&cursor=C} returns the orders whose {@code
 * updated_at} is at or after {@code updated_since}, ordered by {@code (updated_at, order_id)}, K at
 * a time, with {@code next_cursor} (null on the last page) to pass back for the next page. Time is
 * the simulator's own: every event (a new order, a status change) moves its clock forward by a few
 * seconds, so every {@code updated_at} is distinct and increasing. {@link #advance} creates new
 * orders and updates existing ones (payment, shipping, delivery, cancellation, refund), so the same
 * order comes back with a newer {@code updated_at}.
 *
 * <p>Faults are switchable, so tests can force each one: {@link #failNext}, {@link #rateLimitNext},
 * {@link #delayNext}, {@link #corruptNextPage}, {@link #requireToken}; {@link #randomFaults} and
 * {@link #rateLimitPerSecond} make it behave like a real API under load. {@code POST
 * /admin/advance?orders=N&updates=M} advances it from outside (for a demo with {@code bin/pipeline
 * shop-api}).
 */
public final class ShopApiSimulator implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(ShopApiSimulator.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The simulator's clock starts here: the first event is a few seconds later. */
  public static final Instant START = Instant.parse("2024-03-01T08:00:00Z");

  public static final String ORDERS_PATH = OrdersApiClient.ORDERS_PATH;
  public static final String ADVANCE_PATH = "/admin/advance";
  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int MAX_PAGE_SIZE = 1000;

  /** Statuses an order can still move on from. */
  private static final Set<String> OPEN = Set.of("placed", "paid", "shipped", "delivered");

  private static final List<String> FIRST_NAMES =
      List.of(
          "Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Freya", "Lily", "Ella", "Sophie",
          "Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Oscar", "Charlie",
          "Alfie");
  private static final List<String> LAST_NAMES =
      List.of(
          "Smith",
          "Jones",
          "Taylor",
          "Brown",
          "Williams",
          "Wilson",
          "Johnson",
          "Davies",
          "Patel",
          "Robinson",
          "Wright",
          "Thompson",
          "Evans",
          "Walker",
          "White",
          "Roberts",
          "Green",
          "Hall",
          "Wood",
          "Khan");
  private static final List<String> STREETS =
      List.of(
          "High Street",
          "Station Road",
          "Church Lane",
          "Victoria Road",
          "Mill Lane",
          "Park Road",
          "Queen Street",
          "King's Road",
          "The Green",
          "Manor Way");

  /** Cities with the letters their postcodes start with. */
  private static final List<String[]> CITIES =
      List.of(
          new String[] {"London", "SW"},
          new String[] {"Leeds", "LS"},
          new String[] {"Manchester", "M"},
          new String[] {"Bristol", "BS"},
          new String[] {"Birmingham", "B"},
          new String[] {"Glasgow", "G"},
          new String[] {"Cardiff", "CF"},
          new String[] {"Edinburgh", "EH"},
          new String[] {"Norwich", "NR"},
          new String[] {"York", "YO"});

  /** Letters a postcode's inward code may end with (C, I, K, M, O and V are never used). */
  private static final String INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ";

  private static final List<String> CHANNELS = List.of("web", "app", "store_pickup");
  private static final List<String> PAYMENT_TYPES =
      List.of("card", "paypal", "apple_pay", "gift_card");
  private static final int CUSTOMERS = 50;

  /** A customer of the shop: personal data that must not leave bronze in clear. */
  public record Customer(
      String customerId,
      String firstName,
      String lastName,
      String email,
      String phone,
      String streetAddress,
      String city,
      String postcode) {}

  /** One line of an order: a product of the Complete Journey catalogue. */
  public record Line(
      String sku, String productId, int quantity, BigDecimal unitPrice, BigDecimal unitCost) {}

  /** The current state of an order. */
  public record Order(
      String orderId,
      Instant createdAt,
      Instant updatedAt,
      String status,
      Customer customer,
      List<Line> lines,
      String channel,
      String paymentType) {
    Order withStatus(String newStatus, Instant at) {
      return new Order(orderId, createdAt, at, newStatus, customer, lines, channel, paymentType);
    }
  }

  private final Random random;
  private final List<String> productIds;
  private final List<Customer> customers;
  private final Map<String, Order> orders = new LinkedHashMap<>();
  private Instant clock = START;
  private int ordersCreated;

  // Fault switches, all guarded by this.
  private String requiredToken;
  private int rateLimitTimes;
  private int retryAfterSeconds;
  private int failTimes;
  private int failStatus;
  private int delayTimes;
  private Duration delay = Duration.ZERO;
  private boolean corruptNext;
  private double randomFaultRate;
  private Random faultRandom = new Random(0);
  private int perSecondLimit;
  private long windowSecond = -1;
  private int windowCount;
  private final List<String> requests = new ArrayList<>();

  private HttpServer server;
  private ExecutorService executor;

  /**
   * A simulator whose orders use the given product ids, with {@code initialOrders} orders already
   * placed. The same seed and products give the same orders, updates and timestamps.
   */
  public ShopApiSimulator(long seed, List<String> productIds, int initialOrders) {
    if (productIds.isEmpty()) {
      throw new IllegalArgumentException("the simulator needs at least one product id");
    }
    this.random = new Random(seed);
    this.productIds = List.copyOf(productIds);
    this.customers = new ArrayList<>();
    for (int i = 1; i <= CUSTOMERS; i++) {
      customers.add(customer(i));
    }
    advance(initialOrders, 0);
  }

  /** A simulator over the product ids of a Complete Journey {@code products.csv(.gz)} file. */
  public static ShopApiSimulator withCatalogue(long seed, Path productsCsv, int initialOrders) {
    return new ShopApiSimulator(seed, readProductIds(productsCsv), initialOrders);
  }

  /** The {@code product_id} column (the first) of a Complete Journey products file. */
  public static List<String> readProductIds(Path productsCsv) {
    List<String> ids = new ArrayList<>();
    try (var in = Files.newInputStream(productsCsv);
        var raw = productsCsv.toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
        var reader = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8))) {
      String header = reader.readLine();
      if (header == null || !header.replace("\"", "").startsWith("product_id,")) {
        throw new IllegalArgumentException(
            productsCsv + " is not a Complete Journey products file (no product_id column first)");
      }
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        int comma = line.indexOf(',');
        String id = (comma < 0 ? line : line.substring(0, comma)).replace("\"", "").strip();
        if (!id.isEmpty()) {
          ids.add(id);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read products from " + productsCsv, e);
    }
    return ids;
  }

  // ---------------------------------------------------------------- the data model

  /**
   * Moves time forward: {@code newOrders} orders are placed, then {@code updates} status changes
   * are applied to open orders (new ones included), each event with a later {@code updated_at}.
   */
  public synchronized void advance(int newOrders, int updates) {
    for (int i = 0; i < newOrders; i++) {
      Order order = newOrder();
      orders.put(order.orderId(), order);
    }
    for (int i = 0; i < updates; i++) {
      List<Order> open = orders.values().stream().filter(o -> OPEN.contains(o.status())).toList();
      if (open.isEmpty()) {
        throw new IllegalStateException("no open order left to update");
      }
      Order order = open.get(random.nextInt(open.size()));
      orders.put(order.orderId(), order.withStatus(nextStatus(order.status()), tick()));
    }
  }

  /**
   * Adds (or replaces) an order exactly as given and moves the clock to its {@code updated_at} if
   * later: tests use it to serve orders that silver must quarantine (a negative quantity, a product
   * the catalogue lacks, an unknown status).
   */
  public synchronized void put(Order order) {
    orders.put(order.orderId(), order);
    if (order.updatedAt() != null && order.updatedAt().isAfter(clock)) {
      clock = order.updatedAt();
    }
  }

  /** The customers orders are placed by (some may have no order yet). */
  public synchronized List<Customer> customers() {
    return List.copyOf(customers);
  }

  /** Every order in its current state, by order id. */
  public synchronized List<Order> orders() {
    return orders.values().stream().sorted(Comparator.comparing(Order::orderId)).toList();
  }

  /** The simulator's clock: the {@code updated_at} of its latest event. */
  public synchronized Instant now() {
    return clock;
  }

  private Instant tick() {
    clock = clock.plusSeconds(1 + random.nextInt(90));
    return clock;
  }

  private Order newOrder() {
    ordersCreated++;
    Instant at = tick();
    List<Line> lines = new ArrayList<>();
    int count = 1 + random.nextInt(4);
    for (int i = 0; i < count; i++) {
      String productId = productIds.get(random.nextInt(productIds.size()));
      BigDecimal price = priceOf(productId);
      lines.add(
          new Line(
              "SKU-" + productId,
              productId,
              1 + random.nextInt(3),
              price,
              price.multiply(new BigDecimal("0.62")).setScale(2, RoundingMode.HALF_UP)));
    }
    return new Order(
        String.format("ORD-%06d", ordersCreated),
        at,
        at,
        "placed",
        customers.get(random.nextInt(customers.size())),
        List.copyOf(lines),
        CHANNELS.get(random.nextInt(CHANNELS.size())),
        PAYMENT_TYPES.get(random.nextInt(PAYMENT_TYPES.size())));
  }

  /** A product's shelf price: fixed per product, between 0.49 and 19.48. */
  private static BigDecimal priceOf(String productId) {
    int cents = 49 + Math.floorMod(productId.hashCode() * 31 + 7, 1900);
    return BigDecimal.valueOf(cents, 2);
  }

  private String nextStatus(String status) {
    int roll = random.nextInt(100);
    return switch (status) {
      case "placed" -> roll < 85 ? "paid" : "cancelled";
      case "paid" -> roll < 90 ? "shipped" : "cancelled";
      case "shipped" -> roll < 90 ? "delivered" : "refunded";
      case "delivered" -> "refunded";
      default -> throw new IllegalStateException("order in status " + status + " cannot change");
    };
  }

  private Customer customer(int n) {
    String first = FIRST_NAMES.get(random.nextInt(FIRST_NAMES.size()));
    String last = LAST_NAMES.get(random.nextInt(LAST_NAMES.size()));
    String[] city = CITIES.get(random.nextInt(CITIES.size()));
    String postcode =
        city[1]
            + (1 + random.nextInt(20))
            + " "
            + random.nextInt(10)
            + INWARD_LETTERS.charAt(random.nextInt(INWARD_LETTERS.length()))
            + INWARD_LETTERS.charAt(random.nextInt(INWARD_LETTERS.length()));
    return new Customer(
        String.format("CUST-%05d", n),
        first,
        last,
        (first + "." + last + n).toLowerCase().replace("'", "") + "@example.com",
        // Ofcom's range reserved for drama: never a real number.
        String.format("+44 7700 900%03d", random.nextInt(1000)),
        (1 + random.nextInt(180)) + " " + STREETS.get(random.nextInt(STREETS.size())),
        city[0],
        postcode);
  }

  // ---------------------------------------------------------------- fault switches

  /** Requests without {@code Authorization: Bearer <token>} get 401 from now on (null: none). */
  public synchronized ShopApiSimulator requireToken(String token) {
    this.requiredToken = token;
    return this;
  }

  /** The next {@code times} requests get {@code status} (a 5xx, say) with a JSON error body. */
  public synchronized ShopApiSimulator failNext(int status, int times) {
    this.failStatus = status;
    this.failTimes = times;
    return this;
  }

  /** The next {@code times} requests get 429 with {@code Retry-After: retryAfterSeconds}. */
  public synchronized ShopApiSimulator rateLimitNext(int times, int retryAfterSeconds) {
    this.rateLimitTimes = times;
    this.retryAfterSeconds = retryAfterSeconds;
    return this;
  }

  /** The next request is answered only after {@code delay} (then normally). */
  public ShopApiSimulator delayNext(Duration delay) {
    return delayNext(delay, 1);
  }

  /** The next {@code times} requests are answered only after {@code delay} (then normally). */
  public synchronized ShopApiSimulator delayNext(Duration delay, int times) {
    this.delay = delay;
    this.delayTimes = times;
    return this;
  }

  /** The next page is served with status 200 but an HTML body instead of JSON. */
  public synchronized ShopApiSimulator corruptNextPage() {
    this.corruptNext = true;
    return this;
  }

  /**
   * Each request fails at random with this probability: a 500, a 503 or a response slowed by 1 to 3
   * seconds, a third of the time each. The draws come from {@code seed}.
   */
  public synchronized ShopApiSimulator randomFaults(double rate, long seed) {
    this.randomFaultRate = rate;
    this.faultRandom = new Random(seed);
    return this;
  }

  /** More than {@code limit} requests in one wall-clock second get 429 (0: no limit). */
  public synchronized ShopApiSimulator rateLimitPerSecond(int limit) {
    this.perSecondLimit = limit;
    return this;
  }

  /** The requests received so far (path and query), in order. */
  public synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  // ---------------------------------------------------------------- the server

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

  /** What to do with one request, decided under the lock and carried out outside it. */
  private record Action(int status, int retryAfter, Duration delay, boolean corrupt) {}

  private synchronized Action decide(String uri, String authorization) {
    requests.add(uri);
    if (requiredToken != null && !("Bearer " + requiredToken).equals(authorization)) {
      return new Action(401, 0, Duration.ZERO, false);
    }
    if (rateLimitTimes > 0) {
      rateLimitTimes--;
      return new Action(429, retryAfterSeconds, Duration.ZERO, false);
    }
    if (perSecondLimit > 0) {
      long second = System.currentTimeMillis() / 1000;
      windowCount = second == windowSecond ? windowCount + 1 : 1;
      windowSecond = second;
      if (windowCount > perSecondLimit) {
        return new Action(429, 1, Duration.ZERO, false);
      }
    }
    if (failTimes > 0) {
      failTimes--;
      return new Action(failStatus, 0, Duration.ZERO, false);
    }
    Duration wait = Duration.ZERO;
    if (delayTimes > 0) {
      delayTimes--;
      wait = delay;
    }
    if (randomFaultRate > 0 && faultRandom.nextDouble() < randomFaultRate) {
      switch (faultRandom.nextInt(3)) {
        case 0:
          return new Action(500, 0, Duration.ZERO, false);
        case 1:
          return new Action(503, 0, Duration.ZERO, false);
        default:
          wait = wait.plusMillis(1000 + faultRandom.nextInt(2000));
      }
    }
    boolean corrupt = corruptNext;
    corruptNext = false;
    return new Action(200, 0, wait, corrupt);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      if (path.equals(ADVANCE_PATH) && method.equals("POST")) {
        advance(intParam(query, "orders", 0), intParam(query, "updates", 0));
        respond(exchange, 200, "{\"now\":\"" + now() + "\"}");
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
      Action action =
          decide(
              exchange.getRequestURI().toString(),
              exchange.getRequestHeaders().getFirst("Authorization"));
      switch (action.status()) {
        case 200 -> {}
        case 401 -> {
          exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
          respond(exchange, 401, error("unauthorized", "a valid bearer token is required"));
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
            page(
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

  /**
   * One page of orders updated at or after {@code since}, after the cursor's position, ordered by
   * {@code (updated_at, order_id)}.
   */
  synchronized String page(Instant since, int pageSize, String cursor) {
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "page_size must be between 1 and " + MAX_PAGE_SIZE + " (got " + pageSize + ")");
    }
    Comparator<Order> order = Comparator.comparing(Order::updatedAt).thenComparing(Order::orderId);
    List<Order> matching =
        orders.values().stream().filter(o -> !o.updatedAt().isBefore(since)).sorted(order).toList();
    int from = 0;
    if (cursor != null) {
      String[] position = decodeCursor(cursor);
      Instant at = Instant.parse(position[0]);
      String id = position[1];
      while (from < matching.size()
          && (matching.get(from).updatedAt().isBefore(at)
              || (matching.get(from).updatedAt().equals(at)
                  && matching.get(from).orderId().compareTo(id) <= 0))) {
        from++;
      }
    }
    List<Order> slice = matching.subList(from, Math.min(matching.size(), from + pageSize));
    ObjectNode root = JSON.createObjectNode();
    ArrayNode items = root.putArray("orders");
    slice.forEach(o -> items.add(toJson(o)));
    root.put("page_size", pageSize);
    if (from + slice.size() < matching.size()) {
      Order last = slice.get(slice.size() - 1);
      root.put("next_cursor", encodeCursor(last.updatedAt() + "|" + last.orderId()));
    } else {
      root.putNull("next_cursor");
    }
    return root.toString();
  }

  private static ObjectNode toJson(Order o) {
    ObjectNode node = JSON.createObjectNode();
    node.put("order_id", o.orderId());
    node.put("created_at", o.createdAt().toString());
    node.put("updated_at", o.updatedAt().toString());
    node.put("status", o.status());
    ObjectNode c = node.putObject("customer");
    c.put("customer_id", o.customer().customerId());
    c.put("first_name", o.customer().firstName());
    c.put("last_name", o.customer().lastName());
    c.put("email", o.customer().email());
    c.put("phone", o.customer().phone());
    c.put("street_address", o.customer().streetAddress());
    c.put("city", o.customer().city());
    c.put("postcode", o.customer().postcode());
    ArrayNode lines = node.putArray("lines");
    for (Line l : o.lines()) {
      ObjectNode line = lines.addObject();
      line.put("sku", l.sku());
      line.put("product_id", l.productId());
      line.put("quantity", l.quantity());
      line.put("unit_price", l.unitPrice());
      line.put("unit_cost", l.unitCost());
    }
    node.put("channel", o.channel());
    node.put("payment_type", o.paymentType());
    return node;
  }

  private static String encodeCursor(String position) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(position.getBytes(StandardCharsets.UTF_8));
  }

  private static String[] decodeCursor(String cursor) {
    String decoded;
    try {
      decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid cursor '" + cursor + "'");
    }
    String[] parts = decoded.split("\\|", 2);
    if (parts.length != 2) {
      throw new IllegalArgumentException("invalid cursor '" + cursor + "'");
    }
    return parts;
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
