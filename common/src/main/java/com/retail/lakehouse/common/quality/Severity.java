package com.retail.lakehouse.common.quality;

import java.util.Locale;

/** What happens to a row that fails a rule. */
public enum Severity {
  /** The row is kept in silver, with the rule's name in its {@code dq_flags}, and counted. */
  WARN("flagged"),
  /** The row goes to quarantine with the names of the rules it failed. */
  DROP("quarantined"),
  /** The stage stops before committing anything. */
  FAIL("stopped");

  private final String action;

  Severity(String action) {
    this.action = action;
  }

  /** The action taken on failing rows, as the quality history records it. */
  public String action() {
    return action;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code warn}, {@code drop} or {@code fail}; null when the text is none of them. */
  public static Severity parse(String text) {
    for (Severity s : values()) {
      if (s.label().equals(text.strip().toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    return null;
  }
}
