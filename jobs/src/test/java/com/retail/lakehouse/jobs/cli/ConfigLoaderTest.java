package com.retail.lakehouse.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.config.ConfigLoader;
import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.jobs.support.TestContexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
  @Test
  void localDefaultsComeFromBaseAndLocal() {
    Settings s = ConfigLoader.load("local", null, List.of());
    assertEquals("local", s.env());
    assertEquals(Optional.of("2018-01-02"), s.defaultDate());
    assertTrue(s.lakeRoot().endsWith("/data/lake"), s.lakeRoot());
    assertEquals(
        new Settings.Recommendations("product_type", 0.0002, 0.01, 40, 10), s.recommendations());
    assertEquals("gold", s.postgres().schema());
    assertEquals(false, s.postgres().isConfigured());
    assertEquals("4", s.sparkConf().get("spark.sql.shuffle.partitions")); // local over base's 8
    assertEquals("UTC", s.sparkConf().get("spark.sql.session.timeZone"));
  }

  @Test
  void overridesWinAndKeepTheirTextLiterally() {
    Settings s =
        ConfigLoader.load(
            "local",
            null,
            List.of(
                "recommendations.top-n=5",
                "recommendations.item-level=product",
                "lake.root=/x/lake",
                "postgres.user=a\"b\\c=d"));
    assertEquals(5, s.recommendations().topN());
    assertEquals("product", s.recommendations().itemLevel());
    assertEquals("/x/lake", s.lakeRoot());
    assertEquals("a\"b\\c=d", s.postgres().user());
  }

  @Test
  void aUserFileSitsBetweenTheEnvironmentAndTheOverrides(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("extra.conf");
    Files.writeString(file, "recommendations.top-n = 7\npostgres.schema = serving\n");
    Settings fromFile = ConfigLoader.load("local", file.toFile(), List.of());
    assertEquals(7, fromFile.recommendations().topN());
    assertEquals("serving", fromFile.postgres().schema());
    Settings overridden =
        ConfigLoader.load("local", file.toFile(), List.of("recommendations.top-n=3"));
    assertEquals(3, overridden.recommendations().topN());
    UserError e =
        assertThrows(
            UserError.class,
            () -> ConfigLoader.load("local", tmp.resolve("nope.conf").toFile(), List.of()));
    assertEquals("configuration file not found: " + tmp.resolve("nope.conf"), e.getMessage());
  }

  @Test
  void unknownEnvironmentIsAUserError() {
    UserError e = assertThrows(UserError.class, () -> ConfigLoader.load("prod", null, List.of()));
    assertEquals(
        "unknown environment 'prod': expected conf/prod.conf (local, cluster)", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "recommendations.min-support=0|recommendations.min-support must be in (0, 1] (got 0.0)",
        "recommendations.min-support=1.5|recommendations.min-support must be in (0, 1]",
        "recommendations.min-confidence=0|recommendations.min-confidence must be in (0, 1]",
        "recommendations.item-level=bogus|recommendations.item-level must be one of",
        "recommendations.max-basket-size=1|recommendations.max-basket-size must be at least 2",
        "recommendations.top-n=0|recommendations.top-n must be at least 1",
        "recommendations.top-n=abc|recommendations.top-n",
        "postgres.url=mysql://db/retail|postgres.url must start with jdbc:postgresql:",
        "postgres.schema=Gold|postgres.schema must be a lower-case SQL identifier",
        "postgres.publish-partitions=0|postgres.publish-partitions must be at least 1 (got 0)",
        "lake.root=|lake.root is empty",
        "no-equals-sign|--set expects key=value (got 'no-equals-sign')"
      })
  void invalidValuesAreUserErrorsNamingTheKey(String override, String message) {
    UserError e =
        assertThrows(UserError.class, () -> ConfigLoader.load("local", null, List.of(override)));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void theLogicalDateMustBeARealDate(@TempDir Path tmp) {
    UserError e = assertThrows(UserError.class, () -> TestContexts.local(tmp, tmp, "2017-13-01"));
    assertEquals("--date must be YYYY-MM-DD (got '2017-13-01')", e.getMessage());
    assertEquals("2017-02-28", TestContexts.local(tmp, tmp, "2017-02-28").logicalDate().toString());
  }
}
