package com.retail.lakehouse.jobs.generate;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The study's households beyond their baskets, calibrated on the sample: who has demographics,
 * which campaigns reach whom, which coupons a campaign carries and who redeems them.
 */
final class Marketing implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Households in the full study (published): the sample's shares are taken over these. */
  static final int STUDY_HOUSEHOLDS = 2469;

  /**
   * Chance that a redeeming household redeems a coupon it holds for a product in its basket, on a
   * day the campaign runs; set so that, as in the study, there are about 0.85 redemptions per
   * household and year (2,102 for 2,469 households).
   */
  static final double REDEEM_PROBABILITY = 0.125;

  /** A campaign, its dates moved to the generated calendar; reach: share of targeted households. */
  record Campaign(int id, String type, LocalDate start, LocalDate end, double reach)
      implements Serializable {}

  private final List<Campaign> campaigns;
  private final double targetedShare;
  private final double redeemerShare;

  /** Per product index: the coupons (indexes into the two arrays below) that cover it, or null. */
  private final int[][] couponsOfProduct;

  private final long[] couponUpc;
  private final int[] couponCampaign;
  private final String[] couponAmounts;
  private final List<String[]> demographics;
  private final double demographicsShare;

  Marketing(
      List<Campaign> campaigns,
      double targetedShare,
      double redeemerShare,
      int[][] couponsOfProduct,
      long[] couponUpc,
      int[] couponCampaign,
      String[] couponAmounts,
      List<String[]> demographics,
      double demographicsShare) {
    this.campaigns = List.copyOf(campaigns);
    this.targetedShare = targetedShare;
    this.redeemerShare = redeemerShare;
    this.couponsOfProduct = couponsOfProduct;
    this.couponUpc = couponUpc;
    this.couponCampaign = couponCampaign;
    this.couponAmounts = couponAmounts;
    this.demographics = List.copyOf(demographics);
    this.demographicsShare = demographicsShare;
  }

  List<Campaign> campaigns() {
    return campaigns;
  }

  /** The campaigns (indexes) that reach a household; none for most untargeted households. */
  boolean[] campaignsReaching(SplittableRandom rng) {
    boolean targeted = rng.nextDouble() < targetedShare;
    boolean[] reached = new boolean[campaigns.size()];
    for (int c = 0; c < reached.length; c++) {
      reached[c] = targeted && rng.nextDouble() < campaigns.get(c).reach();
    }
    return reached;
  }

  /** Whether a household redeems campaign coupons at all (most households never do). */
  boolean isRedeemer(boolean[] reached, SplittableRandom rng) {
    boolean any = false;
    for (boolean r : reached) {
      any |= r;
    }
    return any && rng.nextDouble() < redeemerShare;
  }

  /**
   * A coupon the household may redeem on {@code date} for {@code product}: one that covers it, of a
   * campaign that reached the household and runs that day; -1 when there is none.
   */
  int couponFor(int product, LocalDate date, boolean[] reached) {
    int[] coupons = couponsOfProduct[product];
    if (coupons == null) {
      return -1;
    }
    for (int k : coupons) {
      int c = couponCampaign[k];
      Campaign campaign = campaigns.get(c);
      if (reached[c] && !date.isBefore(campaign.start()) && !date.isAfter(campaign.end())) {
        return k;
      }
    }
    return -1;
  }

  long couponUpc(int coupon) {
    return couponUpc[coupon];
  }

  int couponCampaignId(int coupon) {
    return campaigns.get(couponCampaign[coupon]).id();
  }

  /** A coupon discount, drawn from the sample's coupon discounts. */
  String couponAmount(SplittableRandom rng) {
    return couponAmounts[rng.nextInt(couponAmounts.length)];
  }

  /** A real household's demographics (without its id) for this household, or null for none. */
  String[] demographicsFor(SplittableRandom rng) {
    if (demographics.isEmpty() || rng.nextDouble() >= demographicsShare) {
      return null;
    }
    return demographics.get(rng.nextInt(demographics.size()));
  }
}
