package com.retail.lakehouse.jobs.generate;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One simulated household: its traits (how often it shops and how much, its store, its staples, its
 * campaigns and demographics) and, day after day, its baskets. Every random draw comes from a
 * stream seeded by (seed, household) for the traits and (seed, household, day) for a day, so a
 * household's files do not depend on how the households are split into tasks, and the first days of
 * a longer run are the days of a shorter one.
 */
final class Shopper {
  /** Receives the lines generated: the file they go to, their sort keys within it, the line. */
  interface Sink {
    void add(String file, long k1, long k2, long k3, String line, boolean bad);
  }

  /**
   * Lines per basket in the full study: 1,469,307 lines (published) in about 154,600 baskets, the
   * number that, thinned to the sample's 5.1% of lines, gives the sample's baskets (47,243, of
   * which 30,759 with one line, 9,860 with two, 3,880 with three...).
   */
  static final double LINES_PER_BASKET = 9.5;

  /** Dispersion of the lines beyond the first (negative binomial), from the same fit. */
  static final double BASKET_DISPERSION = 0.6;

  /** Baskets per household and year in the full study: 154,600 / 2,469. */
  static final double BASKETS_PER_YEAR = 62.6;

  /**
   * Gamma shape of the households' shopping rates: 1.1 gives the sample's spread of lines per
   * household (median two thirds of the mean).
   */
  static final double RATE_SHAPE = 1.1;

  /** Gamma shape of a household's basket-size factor (some fill bigger baskets than others). */
  static final double SIZE_SHAPE = 4;

  static final int MAX_LINES = 150;
  static final int MAX_VISITS_PER_DAY = 8;

  /** Share of a household's baskets in its own store. */
  static final double LOYALTY = 0.9;

  static final int MIN_STAPLES = 10;
  static final int MAX_STAPLES = 60;

  /** Share of a basket's picks that follow an item already in it (a partner product or type). */
  static final double AFFINITY = 0.25;

  /** Of those, the share that takes the item's partner product when it has one. */
  static final double PARTNER_PRODUCT = 0.5;

  static final long FIRST_BASKET_ID = 30_000_000_000L;

  private static final boolean[] TRANSACTION_QUOTES = {
    true, true, true, true, false, false, false, false, false, false, true
  };
  private static final boolean[] REDEMPTION_QUOTES = {true, true, true, false};

  private final Model model;
  private final long household;
  private final String id;
  private final double rate;
  private final double extraLines;
  private final long store;
  private final int[] staples;
  private final double[] stapleCumulative;
  private final double stapleShare;
  private final Map<Integer, Integer> stapleOfType = new HashMap<>();
  private final boolean[] campaigns;
  private final boolean redeemer;
  private final String[] demographics;
  private final Set<Long> redeemed = new HashSet<>();
  private final double badLine;
  private final long unknownProductBase;

  Shopper(Model model, long household) {
    this.model = model;
    this.household = household;
    this.id = Long.toString(household);
    SplittableRandom rng = Draws.stream(model.plan().seed(), household, 0);
    double r = Draws.gamma(RATE_SHAPE, BASKETS_PER_YEAR / RATE_SHAPE, rng);
    this.rate = Math.max(2, Math.min(500, r));
    this.extraLines = (LINES_PER_BASKET - 1) * Draws.gamma(SIZE_SHAPE, 1 / SIZE_SHAPE, rng);
    this.store = model.store(rng);
    Catalogue catalogue = model.catalogue();
    int wanted = MIN_STAPLES + rng.nextInt(MAX_STAPLES - MIN_STAPLES + 1);
    List<Integer> chosen = new ArrayList<>();
    for (int tries = 0; chosen.size() < wanted && tries < 3 * wanted; tries++) {
      int p = catalogue.draw(rng);
      if (!chosen.contains(p)) {
        chosen.add(p);
        stapleOfType.putIfAbsent(catalogue.typeOf(p), p);
      }
    }
    this.staples = chosen.stream().mapToInt(Integer::intValue).toArray();
    double[] weights = new double[staples.length];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = Math.pow(i + 1, -0.8);
    }
    this.stapleCumulative = Draws.cumulative(weights);
    this.stapleShare = 0.3 + 0.35 * rng.nextDouble();
    this.campaigns = model.marketing().campaignsReaching(rng);
    this.redeemer = model.marketing().isRedeemer(campaigns, rng);
    this.demographics = model.marketing().demographicsFor(rng);
    this.badLine = BadRows.lineProbability(model.plan().badShare());
    this.unknownProductBase = catalogue.maxId() + 1;
  }

  /** Every line of this household: its demographics, its baskets day after day, its campaigns. */
  void generate(Sink sink) {
    boolean shopped = false;
    if (demographics != null) {
      String[] values = new String[demographics.length + 1];
      values[0] = id;
      System.arraycopy(demographics, 0, values, 1, demographics.length);
      sink.add("demographics", household, 0, 0, Csv.quotedLine(values), false);
    }
    Model.Plan plan = model.plan();
    for (int d = 0; d < plan.days(); d++) {
      LocalDate date = plan.day(d);
      SplittableRandom rng = Draws.stream(plan.seed(), household, d + 1);
      double mean = rate / 365 * model.times().dayFactor(date);
      int visits = Math.min(MAX_VISITS_PER_DAY, Draws.poisson(mean, rng));
      for (int v = 0; v < visits; v++) {
        long basketId = FIRST_BASKET_ID + ((d * plan.households() + household - 1) * 8 + v);
        basket(date, basketId, rng, sink);
      }
      shopped |= visits > 0;
    }
    // the retailer targets the households it knows: those that shopped or gave their demographics
    if (shopped || demographics != null) {
      List<Marketing.Campaign> all = model.marketing().campaigns();
      for (int c = 0; c < campaigns.length; c++) {
        if (campaigns[c]) {
          String campaign = Integer.toString(all.get(c).id());
          sink.add("campaigns", all.get(c).id(), household, 0, Csv.quotedLine(campaign, id), false);
        }
      }
    }
  }

  private void basket(LocalDate date, long basketId, SplittableRandom rng, Sink sink) {
    Catalogue catalogue = model.catalogue();
    long time = model.times().timeOn(date, rng);
    String file = "transactions_" + date;
    String storeId = Long.toString(rng.nextDouble() < LOYALTY ? store : model.store(rng));
    String basket = Long.toString(basketId);
    String week = Integer.toString(ShoppingTimes.week(time));
    String timestamp = Instant.ofEpochSecond(time).toString();
    int size = Math.min(MAX_LINES, 1 + Draws.negativeBinomial(BASKET_DISPERSION, extraLines, rng));
    List<Integer> items = new ArrayList<>(size);
    for (int slot = 0; slot < size; slot++) {
      int product = pick(items, rng);
      for (int tries = 0; items.contains(product) && tries < 3; tries++) {
        product = catalogue.draw(rng);
      }
      if (items.contains(product)) {
        continue;
      }
      items.add(product);
      Catalogue.Line figures = catalogue.line(product, rng);
      String coupon = figures.couponDisc();
      int redeem = redeemer ? model.marketing().couponFor(product, date, campaigns) : -1;
      if (redeem >= 0
          && !redeemed.contains(model.marketing().couponUpc(redeem))
          && rng.nextDouble() < Marketing.REDEEM_PROBABILITY) {
        redeemed.add(model.marketing().couponUpc(redeem));
        coupon = coupon.equals("0") ? model.marketing().couponAmount(rng) : coupon;
        redemption(redeem, date, sink);
      }
      String[] fields = {
        id,
        storeId,
        basket,
        Long.toString(catalogue.id(product)),
        figures.quantity(),
        figures.salesValue(),
        figures.retailDisc(),
        coupon,
        figures.couponMatchDisc(),
        week,
        timestamp
      };
      if (rng.nextDouble() < badLine) {
        BadRows.Kind kind = BadRows.kind(rng);
        long unknown = unknownProductBase + rng.nextInt(1_000_000);
        String[] bad = BadRows.spoil(fields, kind, unknown);
        if (kind == BadRows.Kind.DUPLICATE_LINE) {
          sink.add(file, time, basketId, 2L * slot, Csv.line(fields, TRANSACTION_QUOTES), false);
        }
        sink.add(file, time, basketId, 2L * slot + 1, Csv.line(bad, TRANSACTION_QUOTES), true);
      } else {
        sink.add(file, time, basketId, 2L * slot, Csv.line(fields, TRANSACTION_QUOTES), false);
      }
    }
  }

  /** The next product of a basket: a partner of an item in it, a staple, or any product. */
  private int pick(List<Integer> items, SplittableRandom rng) {
    Catalogue catalogue = model.catalogue();
    if (!items.isEmpty() && rng.nextDouble() < AFFINITY) {
      int anchor = items.get(rng.nextInt(items.size()));
      int partner = catalogue.partnerProduct(anchor);
      if (partner >= 0 && rng.nextDouble() < PARTNER_PRODUCT) {
        return partner;
      }
      int[] types = catalogue.partnerTypes(catalogue.typeOf(anchor));
      if (types.length > 0) {
        int type = types[rng.nextInt(types.length)];
        Integer own = stapleOfType.get(type);
        return own != null ? own : catalogue.drawOfType(type, rng);
      }
    }
    if (rng.nextDouble() < stapleShare) {
      return staples[Draws.pick(stapleCumulative, rng)];
    }
    return catalogue.draw(rng);
  }

  private void redemption(int coupon, LocalDate date, Sink sink) {
    Marketing marketing = model.marketing();
    long upc = marketing.couponUpc(coupon);
    String[] values = {
      id, Long.toString(upc), Integer.toString(marketing.couponCampaignId(coupon)), date.toString()
    };
    sink.add(
        "coupon_redemptions",
        date.toEpochDay(),
        household,
        upc,
        Csv.line(values, REDEMPTION_QUOTES),
        false);
  }
}
