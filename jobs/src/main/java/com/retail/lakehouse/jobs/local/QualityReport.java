package com.retail.lakehouse.jobs.local;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;

import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.quality.QualityCheck;
import com.retail.lakehouse.common.quality.Severity;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The data-quality report of one run, from {@code ops.quality_checks}: every check, worst first,
 * and a one-line verdict.
 */
final class QualityReport {
  private QualityReport() {}

  /** The checks of a run (the latest run that recorded checks when {@code runId} is empty). */
  static List<QualityCheck> checks(SparkSession spark, Lake lake, Optional<String> runId) {
    if (!lake.exists(spark, Tables.OPS_QUALITY_CHECKS)) {
      return List.of();
    }
    var all = lake.read(spark, Tables.OPS_QUALITY_CHECKS);
    String run =
        runId.orElseGet(
            () -> {
              List<Row> latest =
                  all.orderBy(desc("checked_at")).select("run_id").limit(1).collectAsList();
              return latest.isEmpty() ? "" : latest.get(0).getString(0);
            });
    return all
        .filter(col("run_id").equalTo(run))
        .select(
            "table_name",
            "rule",
            "severity",
            "rows_checked",
            "rows_failed",
            "max_failed_share",
            "status",
            "detail")
        .collectAsList()
        .stream()
        .map(
            r ->
                new QualityCheck(
                    r.getString(0),
                    r.getString(1),
                    Severity.parse(r.getString(2)),
                    r.getLong(3),
                    r.getLong(4),
                    r.getDouble(5),
                    r.getString(6),
                    r.isNullAt(7) ? "" : r.getString(7)))
        .sorted(
            Comparator.comparingInt(QualityCheck::rank)
                .thenComparing(c -> -c.rowsFailed())
                .thenComparing(QualityCheck::table)
                .thenComparing(QualityCheck::rule))
        .toList();
  }

  /** Every check worst first, one a line. */
  static String render(List<QualityCheck> checks) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "%-8s %-34s %-28s %-5s %-11s %12s %12s %7s  %s%n",
            "status", "table", "rule", "sev.", "action", "failed", "checked", "share", "detail"));
    for (QualityCheck c : checks) {
      out.append(
          String.format(
              "%-8s %-34s %-28s %-5s %-11s %,12d %,12d %6.2f%%  %s%n",
              c.status(),
              c.table(),
              c.rule(),
              c.severity().label(),
              c.action(),
              c.rowsFailed(),
              c.rowsChecked(),
              100 * c.failedShare(),
              c.detail() == null ? "" : c.detail()));
    }
    return out.toString();
  }

  /** One line: failures and warnings counted, the worst three named. */
  static String verdict(List<QualityCheck> checks) {
    if (checks.isEmpty()) {
      return "quality: no checks ran (nothing new to check)";
    }
    long failures = checks.stream().filter(c -> c.status().equals(QualityCheck.FAILURE)).count();
    List<QualityCheck> flagged =
        checks.stream().filter(c -> !c.status().equals(QualityCheck.OK)).toList();
    String worst =
        String.join(
            "; ",
            flagged.stream()
                .limit(3)
                .map(
                    c ->
                        c.table()
                            + " "
                            + c.rule()
                            + (c.rowsChecked() > 1 || c.rowsFailed() > 1
                                ? String.format(" %,d %s", c.rowsFailed(), c.action())
                                : ""))
                .toList());
    return String.format(
        "quality: %s, %d failures, %d warnings, %d checks passed%s",
        failures > 0 ? "FAILED" : flagged.isEmpty() ? "all passed" : "passed with warnings",
        failures,
        flagged.size() - failures,
        checks.size() - flagged.size(),
        worst.isEmpty() ? "" : " (" + worst + (flagged.size() > 3 ? "; ..." : "") + ")");
  }
}
