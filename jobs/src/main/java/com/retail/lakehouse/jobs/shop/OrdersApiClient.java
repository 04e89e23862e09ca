package com.retail.lakehouse.jobs.shop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.config.Settings;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Reads the orders API page by page over {@link HttpClient}, following {@code next_cursor} to the
 * end.
 *
 * <p>Each request is tried at most {@code maxTries} times: a 429 waits for its {@code Retry-After}
 * (seconds or an HTTP date; the backoff when absent), a 5xx, a timeout or a refused connection
 * waits {@code backoffInitial × 2^(try-1)}. Other statuses (401, 404, ...) and a page that is not
 * JSON fail at once. Every request, retry and page is logged. Waits go through a {@link Sleeper},
 * so tests run over real HTTP without waiting real seconds.
 */
public final class OrdersApiClient {
  /** Path of the orders resource under the API's base URL. */
  public static final String ORDERS_PATH = "/v1/orders";

  private static final Logger LOG = LogManager.getLogger(OrdersApiClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How the client waits between tries. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    Sleeper REAL = d -> Thread.sleep(d.toMillis());
  }

  /** Bounded tries, a timeout per request, and the first backoff (doubled at each try). */
  public record Policy(int maxTries, Duration timeout, Duration backoffInitial) {
    public static Policy of(Settings.OrdersApi api) {
      return new Policy(api.maxTries(), api.timeout(), api.backoffInitial());
    }
  }

  /** One page as received, with what the extraction needs from it. */
  public record Page(
      int number,
      String request,
      String body,
      int orderCount,
      Optional<Instant> maxUpdatedAt,
      Optional<String> nextCursor) {}

  /** All pages of one extraction. */
  public record Extraction(Optional<Instant> updatedSince, List<Page> pages) {
    public int orderCount() {
      return pages.stream().mapToInt(Page::orderCount).sum();
    }

    /** The latest {@code updated_at} among the orders fetched, empty when there were none. */
    public Optional<Instant> maxUpdatedAt() {
      return pages.stream()
          .map(Page::maxUpdatedAt)
          .flatMap(Optional::stream)
          .max(Instant::compareTo);
    }
  }

  /** The API could not be read: tries exhausted, a refused request, or a page that is not JSON. */
  public static final class OrdersApiException extends RuntimeException {
    public OrdersApiException(String message) {
      super(message);
    }
  }

  private final String baseUrl;
  private final Optional<String> token;
  private final int pageSize;
  private final Policy policy;
  private final Sleeper sleeper;
  private final HttpClient http;

  public OrdersApiClient(
      String baseUrl, Optional<String> token, int pageSize, Policy policy, Sleeper sleeper) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.token = token;
    this.pageSize = pageSize;
    this.policy = policy;
    this.sleeper = sleeper;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(policy.timeout())
            .build();
  }

  /** The client the settings describe, with the token from their environment variable. */
  public static OrdersApiClient of(Settings.OrdersApi api, Sleeper sleeper) {
    return new OrdersApiClient(api.url(), api.token(), api.pageSize(), Policy.of(api), sleeper);
  }

  /**
   * Every page of the orders updated at or after {@code updatedSince} (all orders when empty), held
   * in memory: an extraction is committed in one piece, and a run's pages are small.
   */
  public Extraction fetch(Optional<Instant> updatedSince) {
    List<Page> pages = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    do {
      URI uri = pageUri(updatedSince, cursor);
      Page page = parse(pages.size() + 1, uri, get(uri));
      LOG.info(
          "page {}: {} orders{}",
          page.number(),
          page.orderCount(),
          page.nextCursor().isPresent() ? ", more to follow" : ", the last");
      if (page.nextCursor().isPresent() && page.nextCursor().equals(cursor)) {
        throw new OrdersApiException(
            "orders API: page " + page.number() + " of " + uri + " returned its own cursor again");
      }
      pages.add(page);
      cursor = page.nextCursor();
    } while (cursor.isPresent());
    LOG.info(
        "fetched {} orders in {} pages updated since {}",
        pages.stream().mapToInt(Page::orderCount).sum(),
        pages.size(),
        updatedSince.map(Instant::toString).orElse("the beginning"));
    return new Extraction(updatedSince, List.copyOf(pages));
  }

  URI pageUri(Optional<Instant> updatedSince, Optional<String> cursor) {
    StringBuilder uri = new StringBuilder(baseUrl).append(ORDERS_PATH);
    uri.append("?page_size=").append(pageSize);
    updatedSince.ifPresent(s -> uri.append("&updated_since=").append(encode(s.toString())));
    cursor.ifPresent(c -> uri.append("&cursor=").append(encode(c)));
    return URI.create(uri.toString());
  }

  /**
   * GET with bounded retries; returns the body of the 200 response. A redirect is followed only to
   * the same scheme, host and port (at most {@link #MAX_REDIRECTS} times): the request carries the
   * bearer token, which must not go to another host.
   */
  private String get(URI first) {
    URI uri = first;
    int redirects = 0;
    String lastProblem = "";
    for (int attempt = 1; attempt <= policy.maxTries(); attempt++) {
      LOG.info("GET {} (try {}/{})", uri, attempt, policy.maxTries());
      Duration wait;
      try {
        HttpResponse<String> response =
            http.send(request(uri), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status == 200) {
          return response.body();
        }
        if (REDIRECTS.contains(status)) {
          uri = redirectTarget(uri, response, ++redirects);
          attempt--; // a redirect followed is not a failed try
          continue;
        }
        lastProblem = "HTTP " + status;
        if (status == 401 || status == 403) {
          throw new UserError(
              "orders API refused the request to "
                  + uri
                  + " with HTTP "
                  + status
                  + (token.isPresent()
                      ? ": the bearer token is not accepted"
                      : ": it needs a bearer token, set the environment variable named by"
                          + " orders-api.token-env"));
        }
        if (status == 429) {
          wait = retryAfter(response).orElse(backoff(attempt));
        } else if (status >= 500) {
          wait = backoff(attempt);
        } else {
          throw new OrdersApiException(
              "orders API answered HTTP "
                  + status
                  + " to GET "
                  + uri
                  + ": "
                  + snippet(response.body()));
        }
      } catch (HttpTimeoutException e) {
        lastProblem = "no response within " + policy.timeout().toMillis() + " ms";
        wait = backoff(attempt);
      } catch (IOException e) {
        lastProblem =
            e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        wait = backoff(attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new OrdersApiException("interrupted while calling GET " + uri);
      }
      if (attempt == policy.maxTries()) {
        break;
      }
      LOG.warn(
          "{} from GET {}: retrying in {} ms (try {}/{})",
          lastProblem,
          uri,
          wait.toMillis(),
          attempt,
          policy.maxTries());
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new OrdersApiException("interrupted while waiting to retry GET " + uri);
      }
    }
    LOG.error("GET {} failed after {} tries (last: {})", uri, policy.maxTries(), lastProblem);
    throw new OrdersApiException(
        "orders API: GET "
            + uri
            + " failed after "
            + policy.maxTries()
            + " tries (last: "
            + lastProblem
            + ")");
  }

  private static final java.util.Set<Integer> REDIRECTS = java.util.Set.of(301, 302, 303, 307, 308);

  /** Redirects followed at most for one request. */
  static final int MAX_REDIRECTS = 5;

  private HttpRequest request(URI uri) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(policy.timeout())
            .header("Accept", "application/json")
            .GET();
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    return request.build();
  }

  /** Where a redirect points, if it stays on the same scheme, host and port; else a failure. */
  private static URI redirectTarget(URI from, HttpResponse<?> response, int redirects) {
    String location =
        response
            .headers()
            .firstValue("Location")
            .orElseThrow(
                () ->
                    new OrdersApiException(
                        "orders API answered HTTP "
                            + response.statusCode()
                            + " without a Location to GET "
                            + from));
    URI to = from.resolve(location);
    boolean sameOrigin =
        from.getScheme().equalsIgnoreCase(String.valueOf(to.getScheme()))
            && from.getHost().equalsIgnoreCase(String.valueOf(to.getHost()))
            && from.getPort() == to.getPort();
    if (!sameOrigin) {
      LOG.error("GET {} redirected to {}, another host: not followed", from, to);
      throw new OrdersApiException(
          "orders API redirected GET "
              + from
              + " to "
              + to.getScheme()
              + "://"
              + to.getAuthority()
              + ", another host: not followed, so the bearer token is not sent there;"
              + " set orders-api.url to the API's own address");
    }
    if (redirects > MAX_REDIRECTS) {
      throw new OrdersApiException(
          "orders API: more than " + MAX_REDIRECTS + " redirects from GET " + from);
    }
    LOG.info("GET {} redirected to {} (same host)", from, to);
    return to;
  }

  private Duration backoff(int attempt) {
    return policy.backoffInitial().multipliedBy(1L << Math.min(attempt - 1, 20));
  }

  /** {@code Retry-After} as delta-seconds or an HTTP date; empty when absent or unreadable. */
  static Optional<Duration> retryAfter(HttpResponse<?> response) {
    Optional<String> header = response.headers().firstValue("Retry-After").map(String::strip);
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String value = header.get();
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration until = Duration.between(Instant.now(), at);
        return Optional.of(until.isNegative() ? Duration.ZERO : until);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }

  private static Page parse(int number, URI uri, String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw notAPage(number, uri, "it is not JSON", body);
    }
    if (root == null || !root.isObject() || !root.path("orders").isArray()) {
      throw notAPage(number, uri, "it has no \"orders\" array", body);
    }
    Optional<Instant> max = Optional.empty();
    for (JsonNode order : root.get("orders")) {
      JsonNode updatedAt = order.get("updated_at");
      if (updatedAt == null || !updatedAt.isTextual()) {
        throw notAPage(number, uri, "an order has no updated_at", body);
      }
      Instant at;
      try {
        at = Instant.parse(updatedAt.asText());
      } catch (DateTimeParseException e) {
        throw notAPage(
            number, uri, "updated_at '" + updatedAt.asText() + "' is not ISO-8601", body);
      }
      max = max.isEmpty() || at.isAfter(max.get()) ? Optional.of(at) : max;
    }
    JsonNode next = root.get("next_cursor");
    Optional<String> cursor =
        next == null || next.isNull() || next.asText().isEmpty()
            ? Optional.empty()
            : Optional.of(next.asText());
    return new Page(number, uri.toString(), body, root.get("orders").size(), max, cursor);
  }

  private static OrdersApiException notAPage(int number, URI uri, String why, String body) {
    LOG.error("page {} of GET {} is not an orders page: {}", number, uri, why);
    return new OrdersApiException(
        "orders API: page "
            + number
            + " (GET "
            + uri
            + ") is not an orders page: "
            + why
            + " (starts with "
            + snippet(body)
            + ")");
  }

  private static String snippet(String body) {
    String flat = body == null ? "" : body.replaceAll("\\s+", " ").strip();
    return "'" + (flat.length() > 60 ? flat.substring(0, 60) + "..." : flat) + "'";
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
