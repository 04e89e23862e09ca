package com.retail.lakehouse.jobs.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.JobOptions;
import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.quality.Expectation;
import com.retail.lakehouse.common.quality.Severity;
import com.retail.lakehouse.jobs.silver.QualityRules;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules' configuration: overrides by name or family, validation, the README's table. */
class QualityRulesTest {
  private static Settings settings(String... overrides) {
    JobOptions o = new JobOptions();
    o.overrides = new java.util.ArrayList<>(List.of(overrides));
    return o.settings();
  }

  private static Expectation rule(Settings s, String table, String rule) {
    return QualityRules.effective(s).stream()
        .filter(e -> e.table().equals(table) && e.rule().equals(rule))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void defaultsKeepLateDimensionsAndQuarantineWhatCannotBeRead() {
    Settings s = settings();
    assertEquals(Severity.WARN, rule(s, "transactions", "unknown_product").severity());
    assertEquals(0.05, rule(s, "transactions", "unknown_product").maxFailedShare());
    assertEquals(Severity.DROP, rule(s, "transactions", "malformed_line").severity());
    assertEquals(Severity.DROP, rule(s, "transactions", "missing:household_id").severity());
    assertEquals(Severity.WARN, rule(s, "campaigns", "unknown_household").severity());
    assertEquals(Severity.DROP, rule(s, "orders", "invalid_quantity").severity());
    assertEquals(Severity.WARN, rule(s, "orders", "unknown_product").severity());
  }

  @Test
  void anOperatorChangesARuleByNameOrByFamily() {
    Settings s =
        settings(
            "quality.rules.transactions.unknown_product.severity=drop",
            "quality.rules.transactions.missing.max-failed-share=0.01",
            "quality.rules.transactions.\"missing:store_id\".severity=warn");
    assertEquals(Severity.DROP, rule(s, "transactions", "unknown_product").severity());
    assertEquals(0.01, rule(s, "transactions", "missing:household_id").maxFailedShare());
    // the exact name wins over the family
    assertEquals(Severity.WARN, rule(s, "transactions", "missing:store_id").severity());
    assertEquals(0.05, rule(s, "transactions", "missing:store_id").maxFailedShare());
    assertEquals(Severity.DROP, rule(s, "transactions", "missing:household_id").severity());
  }

  @Test
  void anUnknownTableRuleOrSeverityIsAOneLineConfigurationError() {
    UserError table =
        assertThrows(
            UserError.class,
            () ->
                QualityRules.validate(settings("quality.rules.transaction.missing.severity=warn")));
    assertTrue(
        table
            .getMessage()
            .startsWith(
                "configuration: quality.rules.transaction: no such"
                    + " table (tables with rules: campaign_descriptions, campaigns,"),
        table.getMessage());
    UserError rule =
        assertThrows(
            UserError.class,
            () ->
                QualityRules.validate(
                    settings("quality.rules.products.unknown_product.severity=warn")));
    assertTrue(
        rule.getMessage()
            .startsWith(
                "configuration: quality.rules.products.unknown_product: no such"
                    + " rule (rules of products: malformed_line, missing:product_id,"),
        rule.getMessage());
    UserError severity =
        assertThrows(
            UserError.class, () -> settings("quality.rules.products.missing.severity=loud"));
    assertEquals(
        "configuration: quality.rules.products.missing.severity must be warn, drop or fail (got"
            + " 'loud')",
        severity.getMessage());
  }

  @Test
  void theReadmeListsEveryRuleWithItsDefault() throws Exception {
    Path here = Path.of("").toAbsolutePath();
    Path root = here.getFileName().toString().equals("jobs") ? here.getParent() : here;
    String readme = Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8);
    String table = QualityCommand.rulesTable(settings());
    assertTrue(
        readme.contains(table),
        "README.md lacks the current rules table; paste the output of bin/pipeline quality"
            + " --rules:\n"
            + table);
  }
}
