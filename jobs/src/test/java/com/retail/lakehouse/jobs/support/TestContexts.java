package com.retail.lakehouse.jobs.support;

import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.JobOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Job contexts for tests, built through the same option parsing and validation as the jobs. */
public final class TestContexts {
  private TestContexts() {}

  /** The local environment over the given lake and sources, for the given date. */
  public static JobContext local(Path lake, Path sources, String date, String... overrides) {
    JobOptions options = new JobOptions();
    options.lake = lake.toString();
    options.sources = sources.toString();
    options.date = date;
    options.runId = "test-run";
    options.overrides = new ArrayList<>(List.of(overrides));
    return options.context();
  }

  /** The project's shipped sample. */
  public static Path sample() {
    Path here = Path.of("").toAbsolutePath();
    Path root = here.getFileName().toString().equals("jobs") ? here.getParent() : here;
    return root.resolve("data/sample/completejourney");
  }
}
