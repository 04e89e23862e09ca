package com.retail.lakehouse.common.quality;

import org.apache.spark.sql.Column;

/**
 * A named data-quality rule: a row fails it when {@code failsWhen} is true over the typed columns.
 */
public record Rule(String name, Column failsWhen) {}
