package com.retail.lakehouse.common.quality;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A foreign key: the typed {@code column} must be one of the values of {@code keys} (a one-column
 * dataset); a row whose value is present but unknown fails the rule named {@code rule}.
 */
public record Reference(String rule, String column, Dataset<Row> keys) {}
