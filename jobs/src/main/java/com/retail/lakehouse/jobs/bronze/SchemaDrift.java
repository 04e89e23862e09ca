package com.retail.lakehouse.jobs.bronze;

import com.retail.lakehouse.common.quality.QualityCheck;
import com.retail.lakehouse.common.quality.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How a file's header differs from its source's: columns missing (a required one stops the source,
 * an optional one is read as empty) and extra columns (kept in bronze and reported). A renamed
 * column shows as one missing and one extra, both named.
 */
public record SchemaDrift(
    String file, List<String> header, List<String> missing, List<String> extra, boolean fatal) {

  public static final String RULE = "schema_drift";

  /** Compares a file's header with the source's columns, {@code required} among them. */
  public static SchemaDrift of(
      String file, List<String> header, List<String> expected, Set<String> required) {
    List<String> missing = new ArrayList<>(expected);
    missing.removeAll(header);
    List<String> extra = new ArrayList<>(header);
    extra.removeAll(expected);
    boolean fatal = missing.stream().anyMatch(required::contains);
    return new SchemaDrift(
        file, List.copyOf(header), List.copyOf(missing), List.copyOf(extra), fatal);
  }

  public boolean drifted() {
    return !missing.isEmpty() || !extra.isEmpty();
  }

  /** One line naming the file and the columns. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    if (!missing.isEmpty()) {
      parts.add((fatal ? "missing required columns " : "missing columns ") + missing);
    }
    if (!extra.isEmpty()) {
      parts.add("extra columns " + extra + " (kept in bronze)");
    }
    return file + ": " + String.join(", ", parts);
  }

  /** The check of a source's new files, for the quality history. */
  public static QualityCheck check(String table, int files, List<SchemaDrift> drifts) {
    boolean fatal = drifts.stream().anyMatch(SchemaDrift::fatal);
    return new QualityCheck(
        table,
        RULE,
        fatal ? Severity.FAIL : Severity.WARN,
        files,
        drifts.size(),
        1,
        fatal ? QualityCheck.FAILURE : drifts.isEmpty() ? QualityCheck.OK : QualityCheck.WARNING,
        String.join("; ", drifts.stream().map(SchemaDrift::describe).toList()));
  }
}
