package com.retail.lakehouse.common.quality;

import java.util.List;

/**
 * A stage stopped by a data-quality check before committing anything. The message is one line
 * naming the rule, the table and the count; the checks of the run travel with it so the quality
 * history records them.
 */
public final class QualityFailure extends RuntimeException {
  private final transient List<QualityCheck> checks;

  public QualityFailure(QualityCheck first, int failures, List<QualityCheck> checks) {
    super(
        "data quality: "
            + first.describe()
            + (failures > 1 ? " (and " + (failures - 1) + " more failing checks)" : "")
            + "; nothing was committed (see bin/pipeline quality)");
    this.checks = List.copyOf(checks);
  }

  public List<QualityCheck> checks() {
    return checks;
  }
}
