package com.retail.lakehouse.jobs.silver;

import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.quality.Expectation;
import com.retail.lakehouse.jobs.shop.OrderRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every table's rules in one list: for validating the configuration's overrides before Spark
 * starts, and for {@code bin/pipeline quality --rules} and the README's table.
 */
public final class QualityRules {
  private QualityRules() {}

  /** Every rule of every table with its default severity and threshold (the orders' included). */
  public static List<Expectation> defaults() {
    List<Expectation> all = new ArrayList<>();
    SilverSource.ALL.forEach(s -> all.addAll(s.spec().expectations()));
    all.addAll(OrderRules.expectations());
    return all;
  }

  /** Every rule of every table with the severity and threshold the settings give it. */
  public static List<Expectation> effective(Settings settings) {
    return settings.quality().resolve(defaults());
  }

  /** Fails with one line when the configuration names a table or rule that does not exist. */
  public static void validate(Settings settings) {
    Map<String, Set<String>> known = new LinkedHashMap<>();
    defaults()
        .forEach(e -> known.computeIfAbsent(e.table(), t -> new LinkedHashSet<>()).add(e.rule()));
    settings.quality().validate(known);
  }
}
