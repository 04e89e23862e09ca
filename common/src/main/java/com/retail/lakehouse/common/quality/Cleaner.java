package com.retail.lakehouse.common.quality;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Turns bronze rows (strings as read) into typed silver rows and quarantined rows, by the
 * severities of the rules they fail: a row that fails only {@code warn} rules is kept with their
 * names in {@value #DQ_FLAGS}; a row that fails a {@code drop} (or {@code fail}) rule goes to
 * quarantine with the names of every rule it failed. Every input row ends up in exactly one of the
 * two.
 */
public final class Cleaner {
  private Cleaner() {}

  /** Column of checked and quarantined rows: the names of every rule the row failed. */
  public static final String FAILED_RULES = "failed_rules";

  /** Column of silver rows: the {@code warn} rules the row failed (empty when it passed all). */
  public static final String DQ_FLAGS = "dq_flags";

  /** Bronze column holding the raw line when the CSV reader could not parse it. */
  public static final String CORRUPT_RECORD = "_corrupt_record";

  /** Lineage columns carried from bronze into silver and quarantine. */
  public static final List<String> LINEAGE = List.of("_source_file", "_batch_id", "_ingested_at");

  private static final String RAW = "_raw_";
  private static final String QUARANTINED = "_quarantined";
  private static final String ROW = "__row__";
  private static final String QUARANTINED_ROW = "__quarantined__";

  /**
   * Adds the typed fields (under their own names, the raw strings moved to {@code _raw_<name>}),
   * {@value #FAILED_RULES}, {@value #DQ_FLAGS} and whether the row is quarantined. {@code keys}
   * gives, for each reference, a one-column dataset of the known keys. Pure: no action is run.
   */
  public static Dataset<Row> check(
      Dataset<Row> bronze,
      CleaningSpec spec,
      List<Expectation> expectations,
      Function<Reference, Dataset<Row>> keys) {
    requireColumns(bronze, spec);
    List<Column> projection = new ArrayList<>();
    for (Field f : spec.fields()) {
      projection.add(col(f.name()).as(RAW + f.name()));
    }
    for (String c : LINEAGE) {
      projection.add(col(c));
    }
    boolean hasCorrupt = Arrays.asList(bronze.columns()).contains(CORRUPT_RECORD);
    projection.add(hasCorrupt ? col(CORRUPT_RECORD) : lit(null).cast("string").as(CORRUPT_RECORD));
    Dataset<Row> df = bronze.select(projection.toArray(Column[]::new));

    List<Column> failures = new ArrayList<>();
    failures.add(when(col(CORRUPT_RECORD).isNotNull(), lit(CleaningSpec.MALFORMED_LINE)));
    Column badEncoding = lit(false);
    for (Field f : spec.fields()) {
      Column trimmed = trim(col(RAW + f.name()));
      Column raw = when(trimmed.notEqual(lit("")), trimmed);
      df = df.withColumn(f.name(), f.type().parse(raw));
      if (f.required()) {
        failures.add(when(raw.isNull(), lit("missing:" + f.name())));
      }
      if (f.type() == FieldType.STRING) {
        badEncoding = badEncoding.or(col(RAW + f.name()).contains("\uFFFD"));
      } else {
        failures.add(
            when(raw.isNotNull().and(col(f.name()).isNull()), lit(CleaningSpec.invalidRule(f))));
      }
    }
    if (spec.fields().stream().anyMatch(f -> f.type() == FieldType.STRING)) {
      failures.add(when(badEncoding, lit(CleaningSpec.INVALID_ENCODING)));
    }
    int i = 0;
    for (Reference ref : spec.references()) {
      String key = "_ref_key_" + i;
      String found = "_ref_found_" + i++;
      Dataset<Row> known = keys.apply(ref);
      Dataset<Row> distinct =
          known.select(col(known.columns()[0]).as(key)).distinct().withColumn(found, lit(true));
      df = df.join(distinct, col(ref.column()).equalTo(col(key)), "left").drop(key);
      failures.add(when(col(ref.column()).isNotNull().and(col(found).isNull()), lit(ref.rule())));
    }
    for (Rule rule : spec.rules()) {
      failures.add(failure(rule));
    }
    return withOutcome(df, failures, expectations);
  }

  /**
   * Adds what the rules make of each row, from {@code failures} (one column per rule: its name when
   * the row fails it, else null): {@value #FAILED_RULES} (every rule failed), {@value #DQ_FLAGS}
   * (the {@code warn} ones) and whether the row is quarantined (it failed a {@code drop} or {@code
   * fail} rule). The one mechanism every source's rules go through.
   */
  public static Dataset<Row> withOutcome(
      Dataset<Row> rows, List<Column> failures, List<Expectation> expectations) {
    List<String> warn = names(expectations, Severity.WARN);
    List<String> stop = new ArrayList<>(names(expectations, Severity.DROP));
    stop.addAll(names(expectations, Severity.FAIL));
    Column failed = array_compact(array(failures.toArray(Column[]::new)));
    return rows.withColumn(FAILED_RULES, failed)
        .withColumn(DQ_FLAGS, filter(col(FAILED_RULES), r -> isIn(r, warn)))
        .withColumn(QUARANTINED, exists(col(FAILED_RULES), r -> isIn(r, stop)));
  }

  /** The failure column of a declared rule: its name when the row fails it. */
  public static Column failure(Rule rule) {
    return when(rule.failsWhen(), lit(rule.name()));
  }

  /** True for a checked row that goes to quarantine. */
  public static Column isQuarantined() {
    return col(QUARANTINED);
  }

  /**
   * The checked rows as a cache of them needs to hold them: the raw strings (and the malformed
   * line) only on quarantined rows, the one place they are read again ({@link #filterQuarantined});
   * a kept row carries its typed values. {@link #filterValid}, {@link #filterQuarantined} and
   * {@link #countFailures} give the same rows from it; {@link #filterValidAsRead} does not.
   */
  public static Dataset<Row> withRawOfQuarantinedOnly(Dataset<Row> checked, CleaningSpec spec) {
    Map<String, Column> rawOnlyIfQuarantined = new LinkedHashMap<>();
    for (String name : spec.fieldNames()) {
      rawOnlyIfQuarantined.put(RAW + name, when(col(QUARANTINED), col(RAW + name)));
    }
    rawOnlyIfQuarantined.put(CORRUPT_RECORD, when(col(QUARANTINED), col(CORRUPT_RECORD)));
    return checked.withColumns(rawOnlyIfQuarantined);
  }

  /** Rows kept in silver: the typed fields, {@value #DQ_FLAGS} and lineage. */
  public static Dataset<Row> filterValid(Dataset<Row> checked, CleaningSpec spec) {
    List<String> names = new ArrayList<>(spec.fieldNames());
    names.add(DQ_FLAGS);
    names.addAll(LINEAGE);
    return checked.filter(col(QUARANTINED).unary_$bang()).select(columns(names.stream()));
  }

  /** Rows quarantined, as they were read (raw strings), with every rule they failed. */
  public static Dataset<Row> filterQuarantined(Dataset<Row> checked, CleaningSpec spec) {
    List<Column> cols = asRead(spec);
    cols.add(col(FAILED_RULES));
    return checked.filter(col(QUARANTINED)).select(cols.toArray(Column[]::new));
  }

  /** Rows kept, as they were read (raw strings): to find them again among quarantined rows. */
  public static Dataset<Row> filterValidAsRead(Dataset<Row> checked, CleaningSpec spec) {
    return checked
        .filter(col(QUARANTINED).unary_$bang())
        .select(asRead(spec).toArray(Column[]::new));
  }

  /** The columns of a row as bronze read it: raw fields, the malformed line, lineage. */
  private static List<Column> asRead(CleaningSpec spec) {
    List<Column> cols = new ArrayList<>();
    for (String name : spec.fieldNames()) {
      cols.add(col(RAW + name).as(name));
    }
    cols.add(col(CORRUPT_RECORD));
    LINEAGE.forEach(c -> cols.add(col(c)));
    return cols;
  }

  /** Rows checked, rows quarantined and rows failing each rule, in one pass over the rows. */
  public record RuleCounts(long rows, long quarantined, Map<String, Long> failed) {
    public long failed(String rule) {
      return failed.getOrDefault(rule, 0L);
    }
  }

  /** Counts the checked rows, the quarantined ones and, per rule, those failing it (one job). */
  public static RuleCounts countFailures(Dataset<Row> checked) {
    Column each =
        explode(
            org.apache.spark.sql.functions.array_union(
                col(FAILED_RULES),
                when(col(QUARANTINED), array(lit(ROW), lit(QUARANTINED_ROW)))
                    .otherwise(array(lit(ROW)))));
    Map<String, Long> failed = new LinkedHashMap<>();
    long rows = 0;
    long quarantined = 0;
    for (Row r :
        checked.select(each.as("rule")).groupBy("rule").agg(count(lit(1))).collectAsList()) {
      switch (r.getString(0)) {
        case ROW -> rows = r.getLong(1);
        case QUARANTINED_ROW -> quarantined = r.getLong(1);
        default -> failed.put(r.getString(0), r.getLong(1));
      }
    }
    return new RuleCounts(rows, quarantined, Map.copyOf(failed));
  }

  /**
   * Keeps one row per natural key: the most recently ingested, then the latest source file; the
   * remaining ties are identical in every field.
   */
  public static Dataset<Row> dedupeByKey(Dataset<Row> valid, List<String> naturalKey) {
    String rn = "_row_number";
    return valid
        .withColumn(
            rn,
            row_number()
                .over(Window.partitionBy(columns(naturalKey.stream())).orderBy(latestFirst())))
        .filter(col(rn).equalTo(1))
        .drop(rn);
  }

  /** The order in which versions of a row win: the latest ingested, then the latest file. */
  public static Column[] latestFirst() {
    return new Column[] {col("_ingested_at").desc(), col("_source_file").desc()};
  }

  /** True when a row's flags hold the rule: for resolving late-arriving dimensions. */
  public static Column flagged(String rule) {
    return array_contains(col(DQ_FLAGS), rule);
  }

  private static List<String> names(List<Expectation> expectations, Severity severity) {
    return expectations.stream()
        .filter(e -> e.severity() == severity)
        .map(Expectation::rule)
        .toList();
  }

  private static Column isIn(Column value, List<String> names) {
    return names.isEmpty() ? lit(false) : value.isin(names.toArray());
  }

  private static Column[] columns(Stream<String> names) {
    return names.map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }

  private static void requireColumns(Dataset<Row> bronze, CleaningSpec spec) {
    List<String> present = Arrays.asList(bronze.columns());
    List<String> missing =
        Stream.concat(spec.fieldNames().stream(), LINEAGE.stream())
            .filter(c -> !present.contains(c))
            .toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          spec.table() + ": bronze input lacks columns " + missing + " (has " + present + ")");
    }
  }
}
