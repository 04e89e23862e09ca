package com.retail.lakehouse.common.quality;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Turns bronze rows (strings as read) into typed silver rows and quarantined rows that carry the
 * names of the rules they failed. Every input row ends up in exactly one of the two.
 */
public final class Cleaner {
  private Cleaner() {}

  /** Column of quarantined rows: the names of the rules the row failed. */
  public static final String FAILED_RULES = "failed_rules";

  /** Bronze column holding the raw line when the CSV reader could not parse it. */
  public static final String CORRUPT_RECORD = "_corrupt_record";

  /** Lineage columns carried from bronze into silver and quarantine. */
  public static final List<String> LINEAGE = List.of("_source_file", "_batch_id", "_ingested_at");

  private static final String RAW = "_raw_";

  /**
   * Adds the typed fields (under their own names, the raw strings moved to {@code _raw_<name>}) and
   * {@value #FAILED_RULES}. Pure: no action is run.
   */
  public static Dataset<Row> withFailedRules(Dataset<Row> bronze, CleaningSpec spec) {
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
    failures.add(when(col(CORRUPT_RECORD).isNotNull(), lit("malformed_line")));
    for (Field f : spec.fields()) {
      Column trimmed = trim(col(RAW + f.name()));
      Column raw = when(trimmed.notEqual(lit("")), trimmed);
      df = df.withColumn(f.name(), f.type().parse(raw));
      if (f.required()) {
        failures.add(when(raw.isNull(), lit("missing:" + f.name())));
      }
      failures.add(
          when(
              raw.isNotNull().and(col(f.name()).isNull()),
              lit(f.type().invalidRule() + ":" + f.name())));
    }
    int i = 0;
    for (Reference ref : spec.references()) {
      String key = "_ref_key_" + i;
      String found = "_ref_found_" + i++;
      Dataset<Row> keys =
          ref.keys()
              .select(col(ref.keys().columns()[0]).as(key))
              .distinct()
              .withColumn(found, lit(true));
      df = df.join(keys, col(ref.column()).equalTo(col(key)), "left").drop(key);
      failures.add(when(col(ref.column()).isNotNull().and(col(found).isNull()), lit(ref.rule())));
    }
    for (Rule rule : spec.rules()) {
      failures.add(when(rule.failsWhen(), lit(rule.name())));
    }
    return df.withColumn(FAILED_RULES, array_compact(array(failures.toArray(Column[]::new))));
  }

  /** Rows that passed every rule, with the typed fields and lineage. */
  public static Dataset<Row> filterValid(Dataset<Row> checked, CleaningSpec spec) {
    return checked
        .filter(size(col(FAILED_RULES)).equalTo(0))
        .select(columns(Stream.concat(spec.fieldNames().stream(), LINEAGE.stream())));
  }

  /** Rows that failed a rule, as they were read (raw strings), with the rules they failed. */
  public static Dataset<Row> filterQuarantined(Dataset<Row> checked, CleaningSpec spec) {
    List<Column> cols = new ArrayList<>();
    for (String name : spec.fieldNames()) {
      cols.add(col(RAW + name).as(name));
    }
    cols.add(col(CORRUPT_RECORD));
    LINEAGE.forEach(c -> cols.add(col(c)));
    cols.add(col(FAILED_RULES));
    return checked.filter(size(col(FAILED_RULES)).gt(0)).select(cols.toArray(Column[]::new));
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
                .over(
                    Window.partitionBy(columns(naturalKey.stream()))
                        .orderBy(col("_ingested_at").desc(), col("_source_file").desc())))
        .filter(col(rn).equalTo(1))
        .drop(rn);
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
