package com.retail.lakehouse.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.config.ConfigLoader;
import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.config.Threshold;
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
  /** A --set key is a path of names, quoted names allowed; anything else could inject HOCON. */
  @Test
  void setKeysArePathsOfNamesAndNothingElse() {
    Settings quoted =
        ConfigLoader.load(
            "local",
            null,
            List.of("quality.rules.transactions.\"missing:store_id\".severity=warn"));
    assertEquals(
        Optional.of(com.retail.lakehouse.common.quality.Severity.WARN),
        quoted.quality().rules().get("transactions").get("missing:store_id").severity());
    for (String key :
        List.of("postgres.schema x", "postgres.\"schema\" x", "a.\"b\\\"c\"", "postgres.schema}")) {
      UserError e =
          assertThrows(
              UserError.class, () -> ConfigLoader.load("local", null, List.of(key + "=v")), key);
      assertTrue(e.getMessage().startsWith("--set key must be a configuration path"), key);
    }
  }

  @Test
  void localDefaultsComeFromBaseAndLocal() {
    Settings s = ConfigLoader.load("local", null, List.of());
    assertEquals("local", s.env());
    assertEquals(Optional.of("2018-01-02"), s.defaultDate());
    assertTrue(s.lakeRoot().endsWith("/data/lake"), s.lakeRoot());
    assertEquals(
        new Settings.Recommendations(
            new Settings.Mining(
                "product_type",
                Threshold.ofFraction("0.0002"),
                Threshold.ofFraction("0.01"),
                1.0,
                2,
                10,
                100_000,
                "raise-support",
                40),
            "blend",
            5,
            10,
            8,
            28,
            7),
        s.recommendations());
    assertEquals("gold", s.postgres().schema());
    assertEquals(false, s.postgres().isConfigured());
    assertEquals("4", s.sparkConf().get("spark.sql.shuffle.partitions")); // local over base's 8
    assertEquals("UTC", s.sparkConf().get("spark.sql.session.timeZone"));
    assertEquals(4_000_000L, s.interpretBelowBytes()); // HOCON's MB: 10^6 bytes
    assertEquals(null, s.sparkConf().get("spark.interpret-below")); // not given to Spark
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
  void thresholdsAreFractionsOrBasketCounts() {
    Settings.Mining m =
        ConfigLoader.load(
                "local",
                null,
                List.of(
                    "recommendations.min-support=25 baskets", "recommendations.min-confidence=0.3"))
            .recommendations()
            .mining();
    assertEquals(Threshold.ofBaskets(25), m.minSupport());
    assertEquals(25, m.minSupport().minBaskets(1_000_000));
    // 0.3 of 10 baskets is 3 baskets exactly (Math.ceil(0.3 * 10) would say 4)
    assertEquals(3, m.minConfidence().minBaskets(10));
    // a fraction rounds up: 0.0002 of 47,243 baskets is 9.4486, so 10 baskets
    assertEquals(10, Threshold.ofFraction("0.0002").minBaskets(47_243));
    assertEquals(1, Threshold.ofFraction("0.0002").minBaskets(10)); // never below one basket
    assertEquals("25 baskets", m.minSupport().toString());
    assertEquals(Threshold.ofBaskets(1), Threshold.parse("k", "1 basket"));
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
        "recommendations.min-support=0|recommendations.min-support must be in (0, 1] as a fraction,"
            + " or written \"N baskets\" (got 0)",
        "recommendations.min-support=1.5|recommendations.min-support must be in (0, 1]",
        "recommendations.min-support=0 baskets|recommendations.min-support must be at least 1 basket",
        "recommendations.min-support=ten|recommendations.min-support must be a fraction in (0, 1]"
            + " or a count such as \"25 baskets\" (got 'ten')",
        "recommendations.min-confidence=0|recommendations.min-confidence must be in (0, 1]",
        "recommendations.min-lift=-1|recommendations.min-lift must not be negative",
        "recommendations.max-antecedent-size=4|recommendations.max-antecedent-size must be 1, 2 or 3",
        "recommendations.max-rules-per-antecedent=0|max-rules-per-antecedent must be at least 1",
        "recommendations.max-rules=0|recommendations.max-rules must be at least 1 (got 0)",
        "recommendations.on-too-many-rules=ignore|on-too-many-rules must be fail or raise-support",
        "recommendations.model=magic|recommendations.model must be one of rules, buy-again,"
            + " popular, als, blend (got 'magic')",
        "recommendations.recent-baskets=0|recommendations.recent-baskets must be at least 1",
        "recommendations.holdout-days=0|recommendations.holdout-days must be at least 1",
        "recommendations.mine-every-days=0|recommendations.mine-every-days must be at least 1",
        "recommendations.item-level=bogus|recommendations.item-level must be one of",
        "recommendations.max-basket-size=1|recommendations.max-basket-size must be at least 2",
        "recommendations.top-n=0|recommendations.top-n must be at least 1",
        "recommendations.blend-buy-again-slots=-1|blend-buy-again-slots must not be negative (got -1)",
        "recommendations.top-n=abc|recommendations.top-n",
        "postgres.url=mysql://db/retail|postgres.url must start with jdbc:postgresql:",
        "postgres.schema=Gold|postgres.schema must be a lower-case SQL identifier",
        "postgres.publish-partitions=0|postgres.publish-partitions must be at least 1 (got 0)",
        "postgres.publish-changes-min-rows=-1|postgres.publish-changes-min-rows must not be negative",
        "spark.interpret-below=-1|Invalid value at 'spark.interpret-below'",
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
