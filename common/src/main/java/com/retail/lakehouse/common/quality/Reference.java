package com.retail.lakehouse.common.quality;

import com.retail.lakehouse.common.lake.TableId;

/**
 * A foreign key: the typed {@code column} must be one of the {@code dimensionKey} values of the
 * {@code dimension} table; a row whose value is present but unknown fails the rule named {@code
 * rule}. With severity {@link Severity#WARN} the fact is a late-arriving dimension: kept, flagged,
 * and resolved when the dimension arrives.
 */
public record Reference(
    String rule, String column, TableId dimension, String dimensionKey, Severity severity) {}
