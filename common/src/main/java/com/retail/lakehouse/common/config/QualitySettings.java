package com.retail.lakehouse.common.config;

import static com.retail.lakehouse.common.config.Settings.require;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.quality.Expectation;
import com.retail.lakehouse.common.quality.Severity;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Data-quality settings ({@code quality.*}): per table and rule, a severity and a threshold that
 * replace the defaults declared with the rules; the checks across runs (freshness, volume).
 *
 * @param rules table → rule name or rule family (the name up to a colon) → override
 * @param shareMinRows a failing share is judged only over at least this many checked rows
 */
public record QualitySettings(
    Map<String, Map<String, QualitySettings.RuleOverride>> rules,
    int shareMinRows,
    QualitySettings.Freshness freshness,
    QualitySettings.Volume volume) {

  /** A configured change to one rule: its severity, its threshold, or both. */
  public record RuleOverride(Optional<Severity> severity, Optional<Double> maxFailedShare) {}

  /**
   * The newest transaction older than {@code maxAgeDays} before the logical date is reported with
   * {@code severity} (warn, or fail to stop the stage).
   */
  public record Freshness(int maxAgeDays, Severity severity) {}

  /**
   * A table's new rows outside [{@code low} × median, {@code high} × median] of its last {@code
   * runs} runs with new rows (judged once there are {@code minRuns}) are reported with {@code
   * severity}.
   */
  public record Volume(int runs, int minRuns, double low, double high, Severity severity) {}

  /** The expectations of a table with the configured overrides applied (exact name first). */
  public List<Expectation> resolve(List<Expectation> defaults) {
    return defaults.stream()
        .map(
            e -> {
              Map<String, RuleOverride> table = rules.getOrDefault(e.table(), Map.of());
              RuleOverride o = table.getOrDefault(e.rule(), table.get(e.family()));
              return o == null
                  ? e
                  : new Expectation(
                      e.table(),
                      e.rule(),
                      o.severity().orElse(e.severity()),
                      o.maxFailedShare().orElse(e.maxFailedShare()));
            })
        .toList();
  }

  /**
   * Fails, listing what exists, when the configuration overrides a table or a rule that does not
   * exist ({@code known}: table → its rule names).
   */
  public void validate(Map<String, Set<String>> known) {
    for (Map.Entry<String, Map<String, RuleOverride>> t : rules.entrySet()) {
      Set<String> names = known.get(t.getKey());
      if (names == null) {
        throw new UserError(
            "configuration: quality.rules."
                + t.getKey()
                + ": no such table (tables with rules: "
                + String.join(", ", new TreeSet<>(known.keySet()))
                + ")");
      }
      for (String rule : t.getValue().keySet()) {
        if (names.stream().noneMatch(n -> n.equals(rule) || n.startsWith(rule + ":"))) {
          throw new UserError(
              "configuration: quality.rules."
                  + t.getKey()
                  + "."
                  + rule
                  + ": no such rule (rules of "
                  + t.getKey()
                  + ": "
                  + String.join(", ", names)
                  + ")");
        }
      }
    }
  }

  static QualitySettings from(Config config) {
    Map<String, Map<String, RuleOverride>> rules = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> t : config.getObject("quality.rules").entrySet()) {
      Config table = config.getConfig("quality.rules").getConfig(quoted(t.getKey()));
      Map<String, RuleOverride> overrides = new TreeMap<>();
      for (String rule : table.root().keySet()) {
        Config o = table.getConfig(quoted(rule));
        String where = "quality.rules." + t.getKey() + "." + rule;
        for (String key : o.root().keySet()) {
          require(
              key.equals("severity") || key.equals("max-failed-share"),
              where + "." + key + ": unknown key (severity, max-failed-share)");
        }
        Optional<Severity> severity =
            o.hasPath("severity")
                ? Optional.of(severity(o.getString("severity"), where + ".severity"))
                : Optional.empty();
        Optional<Double> share =
            o.hasPath("max-failed-share")
                ? Optional.of(o.getDouble("max-failed-share"))
                : Optional.empty();
        share.ifPresent(
            v ->
                require(
                    v >= 0 && v <= 1,
                    where + ".max-failed-share must be in [0, 1] (got " + v + ")"));
        overrides.put(rule, new RuleOverride(severity, share));
      }
      rules.put(t.getKey(), Map.copyOf(overrides));
    }
    QualitySettings q =
        new QualitySettings(
            Map.copyOf(rules),
            config.getInt("quality.share-min-rows"),
            new Freshness(
                config.getInt("quality.freshness.max-age-days"),
                severity(
                    config.getString("quality.freshness.severity"), "quality.freshness.severity")),
            new Volume(
                config.getInt("quality.volume.runs"),
                config.getInt("quality.volume.min-runs"),
                config.getDouble("quality.volume.low"),
                config.getDouble("quality.volume.high"),
                severity(config.getString("quality.volume.severity"), "quality.volume.severity")));
    require(
        q.shareMinRows >= 0,
        "quality.share-min-rows must not be negative (got " + q.shareMinRows + ")");
    require(
        q.freshness.maxAgeDays >= 0,
        "quality.freshness.max-age-days must not be negative (got " + q.freshness.maxAgeDays + ")");
    require(
        q.volume.runs >= 1 && q.volume.minRuns >= 1,
        "quality.volume.runs and quality.volume.min-runs must be at least 1");
    require(
        q.volume.low >= 0 && q.volume.low <= 1 && q.volume.high >= 1,
        "quality.volume.low must be in [0, 1] and quality.volume.high at least 1");
    return q;
  }

  private static String quoted(String key) {
    return ConfigUtil.quoteString(key);
  }

  private static Severity severity(String text, String where) {
    Severity s = Severity.parse(text);
    require(s != null, where + " must be warn, drop or fail (got '" + text + "')");
    return s;
  }
}
