package com.retail.lakehouse.jobs.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * The simulated shop's data: customers and orders generated from a seed, in the shape the shop's
 * orders API serves them, and the pages of that API. Time is the shop's own: every event (a new
 * order, a status change) moves its clock forward by a few seconds, so every {@code updated_at} is
 * distinct and increasing. {@link #advance} creates new orders and updates existing ones (payment,
 * shipping, delivery, cancellation, refund), so the same order comes back with a newer {@code
 * updated_at}. {@link ShopApiSimulator} serves it over HTTP.
 */
public final class SimulatedShop {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The simulator's clock starts here: the first event is a few seconds later. */
  public static final Instant START = Instant.parse("2024-03-01T08:00:00Z");

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

  /**
   * A simulator whose orders use the given product ids, with {@code initialOrders} orders already
   * placed. The same seed and products give the same orders, updates and timestamps.
   */
  public SimulatedShop(long seed, List<String> productIds, int initialOrders) {
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

  /** A shop over the product ids of a Complete Journey {@code products.csv(.gz)} file. */
  public static SimulatedShop withCatalogue(long seed, Path productsCsv, int initialOrders) {
    return new SimulatedShop(seed, readProductIds(productsCsv), initialOrders);
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
}
