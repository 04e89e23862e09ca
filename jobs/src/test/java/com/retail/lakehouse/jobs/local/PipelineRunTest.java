package com.retail.lakehouse.jobs.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.jobs.support.TestSpark;
import com.retail.lakehouse.jobs.support.TinyLanding;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/pipeline run} as a newcomer uses it: no database and no orders API given, so the
 * runner starts an embedded PostgreSQL beside the lake and a simulated shop API itself.
 */
class PipelineRunTest {

  @Test
  void runStartsWhatItNeedsAndASecondRunIsUpToDate(@TempDir Path dir) throws Exception {
    TestSpark.get();
    Path landing = Files.createDirectory(dir.resolve("landing"));
    TinyLanding.write(landing);
    Path lake = dir.resolve("lake");
    String[] args = {
      "run", "--lake", lake.toString(), "--sources", landing.toString(), "--date", "2017-02-01"
    };

    String first = run(args);
    assertTrue(first.contains("simulated shop API at http://127.0.0.1:"), first);
    // TinyLanding: 7 transaction lines = 4 kept (1 flagged) + 2 quarantined + 1 duplicate
    assertTrue(Pattern.compile("silver\\.transactions +4\\n").matcher(first).find(), first);
    assertTrue(Pattern.compile("quarantine\\.transactions +2\\n").matcher(first).find(), first);
    assertTrue(Pattern.compile("\\n  transactions +7 +4 +1 +2 +1\\n").matcher(first).find(), first);
    assertTrue(
        Pattern.compile("transactions +malformed_line +1 quarantined\\n").matcher(first).find(),
        first);
    assertTrue(
        Pattern.compile("transactions +unknown_product +1 flagged\\n").matcher(first).find(),
        first);
    assertTrue(first.contains("\nquality: passed with warnings, 0 failures"), first);
    assertTrue(first.contains("Serving: embedded PostgreSQL, data in " + lake + "-postgres"));
    assertTrue(Files.isDirectory(Path.of(lake + "-postgres")), "database beside the lake");

    String second = run(args);
    for (String stage : new String[] {"bronze", "silver", "gold", "recommendations", "publish"}) {
      assertTrue(second.contains(stage + ": up to date, nothing written"), second);
    }
  }

  private static String run(String[] args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new Pipeline(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(args);
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }
}
