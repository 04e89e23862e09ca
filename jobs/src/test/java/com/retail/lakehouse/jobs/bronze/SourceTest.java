package com.retail.lakehouse.jobs.bronze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SourceTest {
  private static Source source(String table) {
    return Source.COMPLETE_JOURNEY.stream().filter(s -> s.table().equals(table)).findFirst().get();
  }

  @Test
  void matchesThePrefixAloneOrFollowedByAnUnderscore() {
    Source tx = source("transactions");
    assertTrue(tx.matches("transactions.csv"));
    assertTrue(tx.matches("transactions.csv.gz"));
    assertTrue(tx.matches("transactions_2.csv"));
    assertTrue(tx.matches("transactions_sample.csv.gz"));
    assertFalse(tx.matches("transactionsX.csv"));
    assertFalse(tx.matches("transactions.txt"));
    assertFalse(tx.matches("transactions.csv.bak"));
    assertFalse(tx.matches("transactions.gz"));
    assertFalse(tx.matches("old_transactions.csv"));
  }

  @Test
  void similarPrefixesDoNotCapture() {
    // "campaigns" must not take campaign_descriptions, "coupons" must not take coupon_redemptions
    assertFalse(source("campaigns").matches("campaign_descriptions.csv.gz"));
    assertFalse(source("coupons").matches("coupon_redemptions.csv.gz"));
    assertTrue(source("coupon_redemptions").matches("coupon_redemptions.csv.gz"));
  }

  @Test
  void everySampleFileBelongsToExactlyOneSource() {
    List<String> sample =
        List.of(
            "campaign_descriptions.csv.gz",
            "campaigns.csv.gz",
            "coupon_redemptions.csv.gz",
            "coupons.csv.gz",
            "demographics.csv.gz",
            "products.csv.gz",
            "promotions_sample.csv.gz",
            "transactions_sample.csv.gz");
    for (String file : sample) {
      List<String> owners =
          Source.COMPLETE_JOURNEY.stream().filter(s -> s.matches(file)).map(Source::table).toList();
      assertEquals(1, owners.size(), file + " matched " + owners);
    }
    assertEquals(8, Source.COMPLETE_JOURNEY.size());
  }
}
