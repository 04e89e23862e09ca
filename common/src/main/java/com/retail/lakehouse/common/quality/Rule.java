package com.retail.lakehouse.common.quality;

import org.apache.spark.sql.Column;

/**
 * A named data-quality rule: a row fails it when {@code failsWhen} is true over the typed columns;
 * {@code severity} says what then happens to the row (the configuration may change it per table).
 */
public record Rule(String name, Column failsWhen, Severity severity) {
  public static Rule warn(String name, Column failsWhen) {
    return new Rule(name, failsWhen, Severity.WARN);
  }

  public static Rule drop(String name, Column failsWhen) {
    return new Rule(name, failsWhen, Severity.DROP);
  }
}
