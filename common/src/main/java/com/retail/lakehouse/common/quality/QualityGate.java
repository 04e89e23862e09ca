package com.retail.lakehouse.common.quality;

import java.util.ArrayList;
import java.util.List;

/**
 * Judges a table's rule counts against its expectations: which rules flagged or quarantined rows,
 * and which stop the stage (a {@code fail} rule with any failing row, or any rule whose failing
 * share passes its threshold over enough rows).
 */
public final class QualityGate {
  private QualityGate() {}

  /** One check per expectation, in the expectations' order. */
  public static List<QualityCheck> judge(
      Cleaner.RuleCounts counts, List<Expectation> expectations, int shareMinRows) {
    List<QualityCheck> checks = new ArrayList<>();
    for (Expectation e : expectations) {
      long failed = counts.failed(e.rule());
      double share = counts.rows() == 0 ? 0 : (double) failed / counts.rows();
      boolean overShare = counts.rows() >= shareMinRows && share > e.maxFailedShare();
      String status;
      String detail = "";
      if ((e.severity() == Severity.FAIL && failed > 0) || (failed > 0 && overShare)) {
        status = QualityCheck.FAILURE;
        detail =
            overShare
                ? String.format("above its max-failed-share %.2f%%", 100 * e.maxFailedShare())
                : "a fail rule";
      } else {
        status = failed > 0 ? QualityCheck.WARNING : QualityCheck.OK;
      }
      checks.add(
          new QualityCheck(
              e.table(),
              e.rule(),
              e.severity(),
              counts.rows(),
              failed,
              e.maxFailedShare(),
              status,
              detail));
    }
    return checks;
  }

  /** Throws, naming the first failure, when any check failed; the checks travel with it. */
  public static void requireNoFailure(List<QualityCheck> checks) {
    List<QualityCheck> failures =
        checks.stream().filter(c -> c.status().equals(QualityCheck.FAILURE)).toList();
    if (!failures.isEmpty()) {
      throw new QualityFailure(failures.get(0), failures.size(), checks);
    }
  }
}
