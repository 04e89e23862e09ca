package com.retail.lakehouse.jobs.generate;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.jobs.bronze.Landing;
import com.retail.lakehouse.jobs.bronze.Source;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * Reads the sample (a Complete Journey landing directory) and measures on it what the generator
 * reproduces. It runs on the driver, reading the files with Spark's own CSV parser (univocity) and
 * no Spark job: the sample is small (its size bounded by the catalogue's), and nothing read here
 * grows with the data generated.
 */
final class Calibration {
  private Calibration() {}

  /** The first day of the study: campaign dates are moved by the generated start's distance. */
  static final LocalDate STUDY_START = LocalDate.of(2017, 1, 1);

  /** The model of {@code plan}, calibrated on the landing directory {@code dir}. */
  static Model calibrate(Configuration hadoop, String dir, Model.Plan plan) {
    Reader read = new Reader(new Landing(dir, hadoop), hadoop, dir);
    List<Catalogue.Product> products = new ArrayList<>();
    for (String[] r : read.rows("products", "product_id", "department", "product_type")) {
      products.add(new Catalogue.Product(id(r[0]), r[1], r[2]));
    }
    products.sort(Comparator.comparingLong(Catalogue.Product::id));

    List<Catalogue.Line> lines = new ArrayList<>();
    long[] byWeekday = new long[7];
    long[] byHour = new long[24];
    Map<Long, Long> byStore = new TreeMap<>();
    List<String> couponAmounts = new ArrayList<>();
    for (String[] r :
        read.rows(
            "transactions",
            "product_id",
            "quantity",
            "sales_value",
            "retail_disc",
            "coupon_disc",
            "coupon_match_disc",
            "transaction_timestamp",
            "store_id")) {
      if (!isComplete(r)) {
        continue;
      }
      ZonedDateTime time = Instant.parse(r[6]).atZone(ZoneOffset.UTC);
      byWeekday[time.getDayOfWeek().getValue() - 1]++;
      byHour[time.getHour()]++;
      byStore.merge(id(r[7]), 1L, Long::sum);
      Catalogue.Line line = new Catalogue.Line(id(r[0]), r[1], r[2], r[3], r[4], r[5]);
      lines.add(line);
      if (new BigDecimal(line.couponDisc()).signum() > 0) {
        couponAmounts.add(line.couponDisc());
      }
    }
    if (lines.isEmpty()) {
      throw new UserError("the calibration sample has no transactions: " + dir);
    }
    Catalogue catalogue = Catalogue.of(products, lines, plan.seed());
    long[] storeIds = byStore.keySet().stream().mapToLong(Long::longValue).toArray();
    double[] storeLines = byStore.values().stream().mapToDouble(Long::doubleValue).toArray();
    return new Model(
        plan,
        catalogue,
        new ShoppingTimes(byWeekday, byHour),
        marketing(read, products, couponAmounts, plan.start()),
        storeIds,
        Draws.cumulative(storeLines));
  }

  private static Marketing marketing(
      Reader read, List<Catalogue.Product> products, List<String> couponAmounts, LocalDate start) {
    long shift = ChronoUnit.DAYS.between(STUDY_START, start);
    Map<Integer, Long> reached = new HashMap<>();
    Set<Long> targeted = new HashSet<>();
    for (String[] r : read.rows("campaigns", "campaign_id", "household_id")) {
      reached.merge((int) id(r[0]), 1L, Long::sum);
      targeted.add(id(r[1]));
    }
    List<Marketing.Campaign> campaigns = new ArrayList<>();
    for (String[] r :
        read.rows(
            "campaign_descriptions", "campaign_id", "campaign_type", "start_date", "end_date")) {
      int campaign = (int) id(r[0]);
      campaigns.add(
          new Marketing.Campaign(
              campaign,
              r[1],
              LocalDate.parse(r[2]).plusDays(shift),
              LocalDate.parse(r[3]).plusDays(shift),
              reached.getOrDefault(campaign, 0L) / (double) Math.max(1, targeted.size())));
    }
    campaigns.sort(Comparator.comparingInt(Marketing.Campaign::id));
    Map<Integer, Integer> campaignIndex = new HashMap<>();
    for (int c = 0; c < campaigns.size(); c++) {
      campaignIndex.put(campaigns.get(c).id(), c);
    }

    Map<Long, Integer> productIndex = new HashMap<>();
    for (int i = 0; i < products.size(); i++) {
      productIndex.put(products.get(i).id(), i);
    }
    TreeMap<String, long[]> coupons = new TreeMap<>();
    for (String[] r : read.rows("coupons", "coupon_upc", "product_id", "campaign_id")) {
      long upc = id(r[0]);
      Integer product = productIndex.get(id(r[1]));
      Integer campaign = campaignIndex.get((int) id(r[2]));
      if (product != null && campaign != null) {
        coupons.put(upc + "/" + product + "/" + campaign, new long[] {upc, product, campaign});
      }
    }
    long[] upcs = new long[coupons.size()];
    int[] couponCampaign = new int[coupons.size()];
    Map<Integer, List<Integer>> ofProduct = new TreeMap<>();
    int k = 0;
    for (long[] c : coupons.values()) {
      upcs[k] = c[0];
      couponCampaign[k] = (int) c[2];
      ofProduct.computeIfAbsent((int) c[1], p -> new ArrayList<>()).add(k);
      k++;
    }
    int[][] couponsOfProduct = new int[products.size()][];
    ofProduct.forEach(
        (p, list) -> couponsOfProduct[p] = list.stream().mapToInt(Integer::intValue).toArray());

    Set<Long> redeemers = new HashSet<>();
    for (String[] r : read.rows("coupon_redemptions", "household_id")) {
      redeemers.add(id(r[0]));
    }
    List<String[]> demographics = new ArrayList<>();
    Source demographicsSource = Csv.source("demographics");
    for (String[] r :
        read.rows("demographics", demographicsSource.columns().toArray(String[]::new))) {
      demographics.add(Arrays.copyOfRange(r, 1, r.length));
    }
    return new Marketing(
        campaigns,
        Math.min(1, targeted.size() / (double) Marketing.STUDY_HOUSEHOLDS),
        redeemers.size() / (double) Math.max(1, targeted.size()),
        couponsOfProduct,
        upcs,
        couponCampaign,
        couponAmounts.isEmpty() ? new String[] {"1"} : couponAmounts.toArray(String[]::new),
        demographics,
        Math.min(1, demographics.size() / (double) Marketing.STUDY_HOUSEHOLDS));
  }

  /** Whether a sample line has every value, its time and ids readable. */
  private static boolean isComplete(String[] r) {
    try {
      for (String value : r) {
        if (value == null) {
          return false;
        }
      }
      Instant.parse(r[6]);
      id(r[0]);
      id(r[7]);
      new BigDecimal(r[4]);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** A whole number as the study writes it, also in R's scientific notation ({@code 9e+05}). */
  static long id(String text) {
    return new BigDecimal(text.strip()).longValueExact();
  }

  /**
   * Reads columns of a source's files, every value a string (an empty field null), in the order of
   * the files' names and their lines; rows without the first column are left out.
   */
  private record Reader(Landing landing, Configuration hadoop, String dir) {
    List<String[]> rows(String table, String... columns) {
      List<Path> files = landing.files(Csv.source(table));
      if (files.isEmpty()) {
        throw new UserError("no " + table + " file in the calibration directory " + dir);
      }
      List<String[]> rows = new ArrayList<>();
      for (Path file : files) {
        CsvParserSettings settings = new CsvParserSettings();
        settings.setHeaderExtractionEnabled(true);
        settings.selectFields(columns);
        settings.setMaxCharsPerColumn(100_000);
        try (InputStream in = open(file)) {
          for (String[] row :
              new CsvParser(settings).parseAll(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            if (row.length == columns.length && row[0] != null) {
              rows.add(row);
            }
          }
        } catch (IOException | RuntimeException e) {
          throw new UserError("cannot read " + file + ": " + e.getMessage(), e);
        }
      }
      return rows;
    }

    private InputStream open(Path file) throws IOException {
      CompressionCodec codec = new CompressionCodecFactory(hadoop).getCodec(file);
      InputStream raw = file.getFileSystem(hadoop).open(file);
      return codec == null ? raw : codec.createInputStream(raw);
    }
  }
}
