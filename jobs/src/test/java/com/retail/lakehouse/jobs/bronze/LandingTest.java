package com.retail.lakehouse.jobs.bronze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.jobs.support.TinyLanding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LandingTest {
  private static final Source CAMPAIGNS =
      Source.COMPLETE_JOURNEY.stream().filter(s -> s.table().equals("campaigns")).findFirst().get();

  @Test
  void parseHeaderStripsQuotesSpacesAndTheByteOrderMark() {
    assertEquals(List.of("a", "b", "c"), Landing.parseHeader("\"a\", \"b\",c"));
    assertEquals(List.of("a", "b"), Landing.parseHeader("\uFEFF\"a\",\"b\""));
    assertEquals(List.of("a", "", "b"), Landing.parseHeader("a,,b"));
    assertEquals(List.of(), Landing.parseHeader(null));
  }

  @Test
  void filesAreTheSourcesOwnSortedByName(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("campaigns_2.csv"), "x\n");
    Files.writeString(dir.resolve("campaigns.csv.gz"), "x\n");
    Files.writeString(dir.resolve("campaign_descriptions.csv"), "x\n");
    Files.createDirectory(dir.resolve("campaigns_dir.csv"));
    Landing landing = new Landing(dir.toString(), new Configuration());
    assertEquals(
        List.of("campaigns.csv.gz", "campaigns_2.csv"),
        landing.files(CAMPAIGNS).stream().map(p -> p.getName()).toList());
  }

  @Test
  void theHeaderIsReadAlsoGzippedWithoutItsQuotes(@TempDir Path dir) {
    Path file = dir.resolve("campaigns.csv.gz");
    TinyLanding.gzip(file, "\uFEFF\"campaign_id\",\"household_id\"", "\"1\",\"1\"");
    assertEquals(
        List.of("campaign_id", "household_id"),
        new Landing(dir.toString(), new Configuration())
            .header(new org.apache.hadoop.fs.Path(file.toString())));
  }

  @Test
  void aRenamedColumnIsOneMissingAndOneExtraAndStopsTheSourceWhenRequired() {
    List<String> expected = List.of("campaign_id", "household_id");
    SchemaDrift renamed =
        SchemaDrift.of(
            "campaigns_2.csv",
            List.of("campaign", "household_id"),
            expected,
            java.util.Set.of("campaign_id", "household_id"));
    assertEquals(List.of("campaign_id"), renamed.missing());
    assertEquals(List.of("campaign"), renamed.extra());
    assertEquals(
        "campaigns_2.csv: missing required columns [campaign_id], extra columns [campaign] (kept in"
            + " bronze)",
        renamed.describe());
    assertEquals(true, renamed.fatal());
    SchemaDrift reordered =
        SchemaDrift.of(
            "c.csv", List.of("household_id", "campaign_id"), expected, java.util.Set.of());
    assertEquals(false, reordered.drifted());
    SchemaDrift optional =
        SchemaDrift.of("c.csv", List.of("campaign_id"), expected, java.util.Set.of("campaign_id"));
    assertEquals(List.of("household_id"), optional.missing());
    assertEquals(false, optional.fatal());
  }

  @Test
  void aMissingDirectoryIsAUserError(@TempDir Path dir) {
    Landing landing = new Landing(dir.resolve("nope").toString(), new Configuration());
    UserError e = assertThrows(UserError.class, () -> landing.files(CAMPAIGNS));
    assertEquals(
        "sources directory not found: " + dir.resolve("nope") + " (pass --sources DIR)",
        e.getMessage());
  }
}
