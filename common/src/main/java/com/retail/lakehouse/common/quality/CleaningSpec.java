package com.retail.lakehouse.common.quality;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How one bronze table becomes a silver table: typed fields, natural key, rules, references. Every
 * rule a row can fail is declared here with its default severity ({@link #expectations()}); the
 * configuration can change severities and thresholds per table.
 */
public record CleaningSpec(
    String table,
    List<Field> fields,
    List<String> naturalKey,
    List<Rule> rules,
    List<Reference> references) {

  /** A line the CSV reader could not split into the header's fields. */
  public static final String MALFORMED_LINE = "malformed_line";

  /** A text field holding bytes that are not UTF-8 (read as the replacement character U+FFFD). */
  public static final String INVALID_ENCODING = "invalid_encoding";

  /**
   * Share of a table's rows above which a malformed line or an empty or untypable field stops the
   * stage: past it the file's layout has most likely changed.
   */
  public static final double LAYOUT_CHANGE_SHARE = 0.05;

  public List<String> fieldNames() {
    return fields.stream().map(Field::name).toList();
  }

  /** Every rule of the table with its default severity and threshold, in a stable order. */
  public List<Expectation> expectations() {
    List<Expectation> all = new ArrayList<>();
    all.add(new Expectation(table, MALFORMED_LINE, Severity.DROP, LAYOUT_CHANGE_SHARE));
    for (Field f : fields) {
      if (f.required()) {
        all.add(new Expectation(table, "missing:" + f.name(), Severity.DROP, LAYOUT_CHANGE_SHARE));
      }
      if (f.type() != FieldType.STRING) {
        all.add(new Expectation(table, invalidRule(f), Severity.DROP, LAYOUT_CHANGE_SHARE));
      }
    }
    if (fields.stream().anyMatch(f -> f.type() == FieldType.STRING)) {
      all.add(new Expectation(table, INVALID_ENCODING, Severity.WARN, 1));
    }
    for (Reference r : references) {
      all.add(
          new Expectation(table, r.rule(), r.severity(), r.severity() == Severity.WARN ? 0.05 : 1));
    }
    for (Rule r : rules) {
      all.add(new Expectation(table, r.name(), r.severity(), 1));
    }
    return List.copyOf(all);
  }

  /** The rule a present value fails when it cannot be typed: {@code invalid_number:quantity}. */
  public static String invalidRule(Field f) {
    return f.type().invalidRule() + ":" + f.name();
  }

  /** Names of every rule, for validating configuration. */
  public Set<String> ruleNames() {
    Set<String> names = new LinkedHashSet<>();
    expectations().forEach(e -> names.add(e.rule()));
    return names;
  }
}
