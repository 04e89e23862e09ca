package com.retail.lakehouse.jobs.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Reference figures computed straight from the raw gzip CSV files with plain Java: a route
 * independent of Spark and of the pipeline's code.
 */
public final class RawSample {
  /**
   * Household id to spend (to the cent) of every valid transaction line, those whose product is not
   * in the catalogue included (a late-arriving dimension is still a sale).
   */
  public final Map<Long, BigDecimal> spendByHousehold = new HashMap<>();

  /** Product id to the distinct baskets it appears in. */
  public final Map<Long, Set<Long>> basketsByProduct = new HashMap<>();

  public final Set<Long> baskets = new HashSet<>();
  public BigDecimal totalSpend = BigDecimal.ZERO.setScale(2);
  public long transactionLines;
  public long linesWithUnknownProduct;
  public long quantity;

  public static RawSample read(Path sourcesDir) {
    RawSample s = new RawSample();
    Set<Long> catalogue = new HashSet<>();
    for (List<String> p : rows(sourcesDir.resolve("products.csv.gz"))) {
      catalogue.add(wholeNumber(p.get(0)));
    }
    for (List<String> t : rows(sourcesDir.resolve("transactions_sample.csv.gz"))) {
      s.transactionLines++;
      long household = wholeNumber(t.get(0));
      long basket = wholeNumber(t.get(2));
      long product = wholeNumber(t.get(3));
      if (!catalogue.contains(product)) {
        s.linesWithUnknownProduct++;
      }
      s.quantity += Long.parseLong(t.get(4));
      BigDecimal sales = new BigDecimal(t.get(5)).setScale(2, RoundingMode.HALF_UP);
      s.spendByHousehold.merge(household, sales, BigDecimal::add);
      s.totalSpend = s.totalSpend.add(sales);
      s.baskets.add(basket);
      s.basketsByProduct.computeIfAbsent(product, k -> new HashSet<>()).add(basket);
    }
    return s;
  }

  /** The household with the highest spend. */
  public Map.Entry<Long, BigDecimal> topHousehold() {
    return spendByHousehold.entrySet().stream()
        .max(
            Map.Entry.<Long, BigDecimal>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey()))
        .orElseThrow();
  }

  /** Ids in R's scientific notation ("9e+05") are whole numbers too. */
  public static long wholeNumber(String text) {
    return new BigDecimal(text).longValueExact();
  }

  /** Data rows of a gzip CSV file whose fields hold no commas (true of these files). */
  public static List<List<String>> rows(Path file) {
    List<List<String>> rows = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      in.readLine();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        List<String> fields = new ArrayList<>();
        for (String f : line.split(",", -1)) {
          fields.add(f.replace("\"", ""));
        }
        rows.add(fields);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }
}
