package com.retail.lakehouse.common.config;

import com.retail.lakehouse.common.UserError;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The validated, immutable configuration of one run. Built by {@link ConfigLoader}. */
public record Settings(
    String env,
    String lakeRoot,
    String sourcesRoot,
    Optional<String> defaultDate,
    Postgres postgres,
    Map<String, String> sparkConf,
    Recommendations recommendations,
    String piiKeyEnv,
    int piiErasureRetentionHours,
    OrdersApi ordersApi,
    QualitySettings quality) {

  /** The development key used in the local environment when the key variable is unset. */
  public static final String LOCAL_DEVELOPMENT_PII_KEY = "local-development-pii-key-not-secret";

  /**
   * The HMAC key for pseudonyms from the environment variable named by {@code pii.key-env}. Outside
   * the local environment a missing or blank key is a {@link UserError}; in the local environment
   * the fixed {@link #LOCAL_DEVELOPMENT_PII_KEY} stands in (with a warning logged by the caller).
   */
  public byte[] piiKey() {
    return piiKey(System.getenv(piiKeyEnv));
  }

  /** {@link #piiKey()} with the variable's value given (null when unset). */
  public byte[] piiKey(String value) {
    if (value != null && !value.isBlank()) {
      return value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    if (env.equals("local")) {
      return LOCAL_DEVELOPMENT_PII_KEY.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    throw new UserError(
        "set "
            + piiKeyEnv
            + " to the secret HMAC key for pseudonyms (the "
            + env
            + " environment has no development key)");
  }

  /** True when the pseudonym key is the local development key (no variable set). */
  public boolean usesDevelopmentPiiKey() {
    String value = System.getenv(piiKeyEnv);
    return value == null || value.isBlank();
  }

  /** Serving database settings; the password is read from the environment variable named here. */
  public record Postgres(
      String url, String user, String passwordEnv, String schema, int publishPartitions) {
    public boolean isConfigured() {
      return !url.isBlank();
    }

    public String password() {
      String value = System.getenv(passwordEnv);
      return value == null ? "" : value;
    }
  }

  /** FP-Growth and recommendation parameters. */
  public record Recommendations(
      String itemLevel, double minSupport, double minConfidence, int maxBasketSize, int topN) {
    public static final Set<String> ITEM_LEVELS =
        Set.of("product", "product_type", "product_category");
  }

  /**
   * The shop's orders API: where it is, the environment variable holding its bearer token, and how
   * the extraction pages, overlaps incremental runs and retries.
   */
  public record OrdersApi(
      String url,
      String tokenEnv,
      int pageSize,
      Duration overlap,
      int maxTries,
      Duration timeout,
      Duration backoffInitial) {
    public boolean isConfigured() {
      return !url.isBlank();
    }

    /** The bearer token from the environment, if the variable is set and not empty. */
    public Optional<String> token() {
      return Optional.ofNullable(System.getenv(tokenEnv)).filter(t -> !t.isBlank());
    }
  }

  /** Reads and validates every key; the first problem is reported as a {@link UserError}. */
  public static Settings from(Config config, String env) {
    try {
      Settings settings =
          new Settings(
              env,
              config.getString("lake.root"),
              config.getString("sources.root"),
              Optional.of(config.getString("run.default-date")).filter(s -> !s.isBlank()),
              new Postgres(
                  config.getString("postgres.url"),
                  config.getString("postgres.user"),
                  config.getString("postgres.password-env"),
                  config.getString("postgres.schema"),
                  config.getInt("postgres.publish-partitions")),
              sparkConf(config),
              new Recommendations(
                  config.getString("recommendations.item-level"),
                  config.getDouble("recommendations.min-support"),
                  config.getDouble("recommendations.min-confidence"),
                  config.getInt("recommendations.max-basket-size"),
                  config.getInt("recommendations.top-n")),
              config.getString("pii.key-env"),
              config.getInt("pii.erasure-retention-hours"),
              new OrdersApi(
                  config.getString("orders-api.url"),
                  config.getString("orders-api.token-env"),
                  config.getInt("orders-api.page-size"),
                  config.getDuration("orders-api.overlap"),
                  config.getInt("orders-api.max-tries"),
                  config.getDuration("orders-api.timeout"),
                  config.getDuration("orders-api.backoff-initial")),
              QualitySettings.from(config));
      settings.validate();
      return settings;
    } catch (ConfigException e) {
      throw new UserError("configuration: " + e.getMessage());
    }
  }

  private static Map<String, String> sparkConf(Config config) {
    Map<String, String> conf = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : config.getObject("spark.conf").entrySet()) {
      conf.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
    }
    return Map.copyOf(conf);
  }

  private void validate() {
    require(!lakeRoot.isBlank(), "lake.root is empty: set it in conf/ or pass --lake DIR");
    require(!sourcesRoot.isBlank(), "sources.root is empty: set it in conf/ or pass --sources DIR");
    require(
        postgres.url.isBlank() || postgres.url.startsWith("jdbc:postgresql:"),
        "postgres.url must start with jdbc:postgresql: (got '" + postgres.url + "')");
    require(
        postgres.schema.matches("[a-z_][a-z0-9_]*"),
        "postgres.schema must be a lower-case SQL identifier (got '" + postgres.schema + "')");
    require(
        postgres.publishPartitions >= 1,
        "postgres.publish-partitions must be at least 1 (got " + postgres.publishPartitions + ")");
    Recommendations r = recommendations;
    require(
        Recommendations.ITEM_LEVELS.contains(r.itemLevel),
        "recommendations.item-level must be one of product, product_type, product_category (got '"
            + r.itemLevel
            + "')");
    require(
        r.minSupport > 0 && r.minSupport <= 1,
        "recommendations.min-support must be in (0, 1] (got " + r.minSupport + ")");
    require(
        r.minConfidence > 0 && r.minConfidence <= 1,
        "recommendations.min-confidence must be in (0, 1] (got " + r.minConfidence + ")");
    require(
        r.maxBasketSize >= 2,
        "recommendations.max-basket-size must be at least 2 (got " + r.maxBasketSize + ")");
    require(r.topN >= 1, "recommendations.top-n must be at least 1 (got " + r.topN + ")");
    require(
        piiErasureRetentionHours >= 0,
        "pii.erasure-retention-hours must not be negative (got " + piiErasureRetentionHours + ")");
    OrdersApi api = ordersApi;
    require(
        api.url.isBlank() || api.url.startsWith("http://") || api.url.startsWith("https://"),
        "orders-api.url must start with http:// or https:// (got '" + api.url + "')");
    require(
        api.pageSize >= 1 && api.pageSize <= 1000,
        "orders-api.page-size must be between 1 and 1000 (got " + api.pageSize + ")");
    require(
        !api.overlap.isNegative(),
        "orders-api.overlap must not be negative (got " + api.overlap + ")");
    require(
        api.maxTries >= 1, "orders-api.max-tries must be at least 1 (got " + api.maxTries + ")");
    require(
        !api.timeout.isNegative() && !api.timeout.isZero(),
        "orders-api.timeout must be positive (got " + api.timeout + ")");
    require(
        !api.backoffInitial.isNegative(),
        "orders-api.backoff-initial must not be negative (got " + api.backoffInitial + ")");
  }

  static void require(boolean condition, String message) {
    if (!condition) {
      throw new UserError("configuration: " + message);
    }
  }
}
