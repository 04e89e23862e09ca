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
    Locks locks,
    Postgres postgres,
    Map<String, String> sparkConf,
    long interpretBelowBytes,
    Recommendations recommendations,
    String piiKeyEnv,
    int piiErasureRetentionHours,
    OrdersApi ordersApi,
    QualitySettings quality,
    Maintenance maintenance) {

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

  /**
   * One run of a stage at a time ({@link com.retail.lakehouse.common.lake.StageLock}): how long a
   * run waits for the run that holds its stage, and after how long without a sign of life a holder
   * is taken for dead.
   */
  public record Locks(Duration maxWait, Duration staleAfter) {}

  /**
   * Serving database settings; the password is read from the environment variable named here. A
   * connection that is refused or times out is tried again, {@code connectTries} times in all, the
   * waits starting at {@code connectBackoff} and doubling.
   */
  public record Postgres(
      String url,
      String user,
      String passwordEnv,
      String schema,
      int publishPartitions,
      long publishChangesMinRows,
      int connectTries,
      Duration connectBackoff) {
    public boolean isConfigured() {
      return !url.isBlank();
    }

    public String password() {
      String value = System.getenv(passwordEnv);
      return value == null ? "" : value;
    }
  }

  /**
   * {@code bin/pipeline maintain}: files older than {@code retentionHours} that no table version
   * within that time needs are vacuumed.
   */
  public record Maintenance(int retentionHours) {
    /**
     * The least retention allowed: Delta's own default (7 days), which also covers the time travel
     * the stages' fingerprints and the notebooks use and any run still reading an old version.
     */
    public static final int MIN_RETENTION_HOURS = 168;
  }

  /**
   * Recommendation parameters: how rules are mined ({@link Mining}), which model ships, and how
   * households are scored and the model measured.
   *
   * @param model what {@code gold.customer_recommendations} holds: one of {@link #MODELS}
   * @param recentBaskets rules are applied to each household's last this many baskets
   * @param blendBuyAgainSlots in the {@code blend} model, the first this many places go to "buy
   *     again" (all of them when it is top-n or more), the rest to the rules
   * @param holdoutDays the days before the logical date held out to measure the model; rules are
   *     mined on the history before them
   * @param mineEveryDays rules are mined again when the last mining is this many days older than
   *     the logical date (or its parameters changed); runs in between only score
   */
  public record Recommendations(
      Mining mining,
      String model,
      int recentBaskets,
      int topN,
      int blendBuyAgainSlots,
      int holdoutDays,
      int mineEveryDays) {
    public static final Set<String> ITEM_LEVELS =
        Set.of("product", "product_type", "product_category");
    public static final java.util.List<String> MODELS =
        java.util.List.of("rules", "buy-again", "popular", "als", "blend");
    public static final Set<String> ON_TOO_MANY_RULES = Set.of("fail", "raise-support");

    public String itemLevel() {
      return mining.itemLevel();
    }
  }

  /**
   * What FP-Growth mines and which rules are kept.
   *
   * @param minSupport an itemset is frequent in at least this share or number of baskets
   * @param minConfidence a rule holds in at least this share of its antecedent's baskets, or (as a
   *     count) in at least this many baskets
   * @param minLift a rule is kept only when its lift is above this (1: the antecedent makes the
   *     consequent more likely)
   * @param maxAntecedentSize longer antecedents are not kept (scoring looks them up by subsets of a
   *     basket up to this size)
   * @param maxRulesPerAntecedent the best rules (confidence, then lift) kept per antecedent
   * @param maxRules past this many rules the run stops ({@code fail}) or raises the minimum support
   *     to the smallest count that keeps at most this many ({@code raise-support})
   * @param maxBasketSize baskets with more distinct items are not mined
   */
  public record Mining(
      String itemLevel,
      Threshold minSupport,
      Threshold minConfidence,
      double minLift,
      int maxAntecedentSize,
      int maxRulesPerAntecedent,
      long maxRules,
      String onTooManyRules,
      int maxBasketSize) {}

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
              new Locks(
                  config.getDuration("run.lock-wait"), config.getDuration("run.lock-stale-after")),
              new Postgres(
                  config.getString("postgres.url"),
                  config.getString("postgres.user"),
                  config.getString("postgres.password-env"),
                  config.getString("postgres.schema"),
                  config.getInt("postgres.publish-partitions"),
                  config.getLong("postgres.publish-changes-min-rows"),
                  config.getInt("postgres.connect-tries"),
                  config.getDuration("postgres.connect-backoff")),
              sparkConf(config),
              config.getBytes("spark.interpret-below"),
              new Recommendations(
                  new Mining(
                      config.getString("recommendations.item-level"),
                      Threshold.parse(
                          "recommendations.min-support",
                          config.getString("recommendations.min-support")),
                      Threshold.parse(
                          "recommendations.min-confidence",
                          config.getString("recommendations.min-confidence")),
                      config.getDouble("recommendations.min-lift"),
                      config.getInt("recommendations.max-antecedent-size"),
                      config.getInt("recommendations.max-rules-per-antecedent"),
                      config.getLong("recommendations.max-rules"),
                      config.getString("recommendations.on-too-many-rules"),
                      config.getInt("recommendations.max-basket-size")),
                  config.getString("recommendations.model"),
                  config.getInt("recommendations.recent-baskets"),
                  config.getInt("recommendations.top-n"),
                  config.getInt("recommendations.blend-buy-again-slots"),
                  config.getInt("recommendations.holdout-days"),
                  config.getInt("recommendations.mine-every-days")),
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
              QualitySettings.from(config),
              new Maintenance(config.getInt("maintenance.retention-hours")));
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
        !lakeRoot.contains("`") && !lakeRoot.contains("'"),
        "lake.root must not contain quotes or backquotes (got '" + lakeRoot + "')");
    require(
        !locks.maxWait.isNegative(),
        "run.lock-wait must not be negative (got " + locks.maxWait + ")");
    require(
        locks.staleAfter.toSeconds() >= 4,
        "run.lock-stale-after must be at least 4s (got " + locks.staleAfter + ")");
    require(
        postgres.url.isBlank() || postgres.url.startsWith("jdbc:postgresql:"),
        "postgres.url must start with jdbc:postgresql: (got '" + postgres.url + "')");
    require(
        !postgres.url.toLowerCase(java.util.Locale.ROOT).matches(".*[?&;]password=.*"),
        "postgres.url must not hold the password: set the variable "
            + postgres.passwordEnv
            + " instead");
    require(
        com.retail.lakehouse.common.lake.TableId.isIdentifier(postgres.schema),
        "postgres.schema must be a lower-case SQL identifier (got '" + postgres.schema + "')");
    require(
        postgres.passwordEnv.matches("[A-Za-z_][A-Za-z0-9_]*"),
        "postgres.password-env must be the name of an environment variable (got '"
            + postgres.passwordEnv
            + "')");
    require(
        postgres.publishPartitions >= 1,
        "postgres.publish-partitions must be at least 1 (got " + postgres.publishPartitions + ")");
    require(
        postgres.publishChangesMinRows >= 0,
        "postgres.publish-changes-min-rows must not be negative (got "
            + postgres.publishChangesMinRows
            + ")");
    require(
        postgres.connectTries >= 1,
        "postgres.connect-tries must be at least 1 (got " + postgres.connectTries + ")");
    require(
        !postgres.connectBackoff.isNegative(),
        "postgres.connect-backoff must not be negative (got " + postgres.connectBackoff + ")");
    require(
        maintenance.retentionHours >= Maintenance.MIN_RETENTION_HOURS,
        "maintenance.retention-hours must be at least "
            + Maintenance.MIN_RETENTION_HOURS
            + " (Delta's own retention, which time travel and running readers need; got "
            + maintenance.retentionHours
            + ")");
    Recommendations r = recommendations;
    Mining m = r.mining;
    require(
        Recommendations.ITEM_LEVELS.contains(m.itemLevel),
        "recommendations.item-level must be one of product, product_type, product_category (got '"
            + m.itemLevel
            + "')");
    require(
        m.minLift >= 0, "recommendations.min-lift must not be negative (got " + m.minLift + ")");
    require(
        m.maxAntecedentSize >= 1 && m.maxAntecedentSize <= 3,
        "recommendations.max-antecedent-size must be 1, 2 or 3 (got " + m.maxAntecedentSize + ")");
    require(
        m.maxRulesPerAntecedent >= 1,
        "recommendations.max-rules-per-antecedent must be at least 1 (got "
            + m.maxRulesPerAntecedent
            + ")");
    require(
        m.maxRules >= 1, "recommendations.max-rules must be at least 1 (got " + m.maxRules + ")");
    require(
        Recommendations.ON_TOO_MANY_RULES.contains(m.onTooManyRules),
        "recommendations.on-too-many-rules must be fail or raise-support (got '"
            + m.onTooManyRules
            + "')");
    require(
        m.maxBasketSize >= 2,
        "recommendations.max-basket-size must be at least 2 (got " + m.maxBasketSize + ")");
    require(
        Recommendations.MODELS.contains(r.model),
        "recommendations.model must be one of "
            + String.join(", ", Recommendations.MODELS)
            + " (got '"
            + r.model
            + "')");
    require(
        r.recentBaskets >= 1,
        "recommendations.recent-baskets must be at least 1 (got " + r.recentBaskets + ")");
    require(r.topN >= 1, "recommendations.top-n must be at least 1 (got " + r.topN + ")");
    require(
        r.blendBuyAgainSlots >= 0,
        "recommendations.blend-buy-again-slots must not be negative (got "
            + r.blendBuyAgainSlots
            + ")");
    require(
        r.holdoutDays >= 1,
        "recommendations.holdout-days must be at least 1 (got " + r.holdoutDays + ")");
    require(
        r.mineEveryDays >= 1,
        "recommendations.mine-every-days must be at least 1 (got " + r.mineEveryDays + ")");
    require(
        piiErasureRetentionHours >= 0,
        "pii.erasure-retention-hours must not be negative (got " + piiErasureRetentionHours + ")");
    OrdersApi api = ordersApi;
    require(
        api.url.isBlank() || api.url.startsWith("http://") || api.url.startsWith("https://"),
        "orders-api.url must start with http:// or https:// (got '" + api.url + "')");
    for (String[] variable :
        new String[][] {{"pii.key-env", piiKeyEnv}, {"orders-api.token-env", api.tokenEnv}}) {
      require(
          variable[1].matches("[A-Za-z_][A-Za-z0-9_]*"),
          variable[0] + " must be the name of an environment variable (got '" + variable[1] + "')");
    }
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
