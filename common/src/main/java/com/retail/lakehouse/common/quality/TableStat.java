package com.retail.lakehouse.common.quality;

import java.time.Instant;

/**
 * The state of a table after a run, as {@code ops.table_freshness} records it: the rows the run
 * added, the rows it holds, and its newest event time (null for tables without one).
 */
public record TableStat(String table, long rowsAdded, long rowCount, Instant newestEventTime) {}
