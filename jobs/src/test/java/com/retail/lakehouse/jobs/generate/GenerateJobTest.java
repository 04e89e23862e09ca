package com.retail.lakehouse.jobs.generate;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.StageResult;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.jobs.BronzeIngestJob;
import com.retail.lakehouse.jobs.SilverJob;
import com.retail.lakehouse.jobs.Stages;
import com.retail.lakehouse.jobs.support.RawSample;
import com.retail.lakehouse.jobs.support.TestContexts;
import com.retail.lakehouse.jobs.support.TestSpark;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator on small sizes, judged by reading its files with plain Java ({@link
 * TransactionFiles}, {@link RawSample}) and by running the pipeline's bronze and silver on them.
 */
class GenerateJobTest {
  /** 300 households over four weeks from a Monday, one line in ten bad: about 14,000 lines. */
  static final long HOUSEHOLDS = 300;

  static final int DAYS = 28;
  static final double BAD_SHARE = 0.1;

  @TempDir static Path shared;
  static GenerateJob.Summary summary;
  static TransactionFiles files;

  @BeforeAll
  static void generateFourWeeks() {
    summary = generate(shared.resolve("landing"), HOUSEHOLDS, DAYS, 11, "2017-01-02", BAD_SHARE);
    files = TransactionFiles.read(shared.resolve("landing"));
  }

  static GenerateJob.Summary generate(
      Path out, long households, int days, long seed, String start, double badShare) {
    GenerateOptions o = new GenerateOptions();
    o.households = households;
    o.days = days;
    o.seed = seed;
    o.start = start;
    o.badShare = badShare;
    o.out = out.toString();
    o.calibration = TestContexts.sample().toString();
    return GenerateJob.generate(TestSpark.get(), o);
  }

  @Test
  void sameArgumentsGiveTheSameBytesAndAShorterRunTheSameFirstDays(@TempDir Path tmp)
      throws IOException {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    generate(a, 30, 5, 5, "2017-06-01", 0.05);
    generate(b, 30, 5, 5, "2017-06-01", 0.05);
    assertEquals(names(a), names(b));
    for (String name : names(a)) {
      assertEquals(-1, Files.mismatch(a.resolve(name), b.resolve(name)), name);
    }

    Path shorter = tmp.resolve("shorter");
    generate(shorter, 30, 2, 5, "2017-06-01", 0.05);
    for (String day : List.of("2017-06-01", "2017-06-02")) {
      String name = "transactions_" + day + ".csv.gz";
      assertEquals(-1, Files.mismatch(a.resolve(name), shorter.resolve(name)), name);
    }

    Path otherSeed = tmp.resolve("other-seed");
    generate(otherSeed, 30, 5, 6, "2017-06-01", 0.05);
    String first = "transactions_2017-06-01.csv.gz";
    assertNotEquals(-1, Files.mismatch(a.resolve(first), otherSeed.resolve(first)));
  }

  /**
   * Ten days over Christmas 2017: a file per day, named by its date, holding only that day's times;
   * the sample's headers; no lines on Christmas Day (closed). Weeks as in the sample, whose week 52
   * runs 2017-12-18 to 12-24 and week 53 from 12-26, Monday to Sunday in local time (UTC-5).
   */
  @Test
  void oneFilePerDayNamedByItsDateWithTheSampleHeaders(@TempDir Path tmp) {
    Path out = tmp.resolve("landing");
    generate(out, 40, 10, 3, "2017-12-20", 0);
    Set<String> expected = new TreeSet<>();
    for (int d = 20; d <= 29; d++) {
      expected.add("transactions_2017-12-" + d + ".csv.gz");
    }
    for (String source :
        List.of(
            "demographics",
            "campaigns",
            "campaign_descriptions",
            "coupon_redemptions",
            "products",
            "coupons",
            "promotions")) {
      expected.add(source + ".csv.gz");
    }
    expected.add("READY");
    assertEquals(expected, new TreeSet<>(names(out)));

    Path sample = TestContexts.sample();
    String header = firstLine(sample.resolve("transactions_sample.csv.gz"));
    for (Path file : TransactionFiles.dailyFiles(out)) {
      assertEquals(header, firstLine(file), file.toString());
      String day = file.getFileName().toString().substring("transactions_".length(), 23);
      for (List<String> line : RawSample.rows(file)) {
        assertEquals(day, line.get(10).substring(0, 10));
        int hour = Integer.parseInt(line.get(10).substring(11, 13));
        if (day.compareTo("2017-12-26") >= 0) {
          assertEquals("53", line.get(9), line.toString());
        } else if (hour >= 5) {
          assertEquals("52", line.get(9), line.toString());
        }
      }
    }
    assertEquals(0, RawSample.rows(out.resolve("transactions_2017-12-25.csv.gz")).size());
    assertTrue(RawSample.rows(out.resolve("transactions_2017-12-23.csv.gz")).size() > 0);
    for (String source : List.of("demographics", "campaigns", "campaign_descriptions")) {
      assertEquals(
          firstLine(sample.resolve(source + ".csv.gz")),
          firstLine(out.resolve(source + ".csv.gz")));
    }
    assertEquals(0, TransactionFiles.read(out).bad(), "no bad line asked for");
  }

  /**
   * Bronze and silver take the generated files as they take the real ones, with the default rule
   * severities: every good line is kept; a line naming an unknown product is kept and flagged (a
   * late-arriving product); a malformed line, a negative quantity and an unparseable time are
   * quarantined with their rule; a duplicate is removed; and read = written + quarantined +
   * duplicates = the lines written.
   */
  @Test
  void bronzeAndSilverKeepEveryGoodLineAndQuarantineEveryBadOne(@TempDir Path tmp)
      throws IOException {
    SparkSession spark = TestSpark.get();
    Path landing = Files.createDirectories(tmp.resolve("landing"));
    for (String name : names(shared.resolve("landing"))) {
      Files.copy(shared.resolve("landing").resolve(name), landing.resolve(name));
    }
    // the real promotions and coupons (476,000 lines) are not what this test is about
    shorten(landing.resolve("promotions.csv.gz"), 1000);
    shorten(landing.resolve("coupons.csv.gz"), 1000);
    JobContext ctx = TestContexts.local(tmp.resolve("lake"), landing, "2017-02-01");
    Stages.execute(new BronzeIngestJob(), spark, ctx);
    StageResult silver = Stages.execute(new SilverJob(), spark, ctx);
    Map<String, Long> counts = silver.details();

    assertEquals(files.lines, summary.transactionLines());
    assertEquals(files.bad(), summary.badLines());
    long kept = files.good.size() + files.unknownProduct;
    long quarantined = files.malformed + files.negativeQuantity + files.unparseableTimestamp;
    assertEquals(files.lines, kept + quarantined + files.duplicates);
    assertEquals(files.lines, counts.get("transactions.read"));
    assertEquals(kept, counts.get("transactions.written"));
    assertEquals(files.unknownProduct, counts.get("transactions.flagged"));
    assertEquals(quarantined, counts.get("transactions.quarantined"));
    assertEquals(files.duplicates, counts.get("transactions.duplicates"));

    Lake lake = ctx.lake();
    Dataset<Row> quarantine = lake.read(spark, Tables.quarantine("transactions"));
    Map<String, Long> byRule =
        Map.of(
            "malformed_line", files.malformed,
            "negative_quantity", files.negativeQuantity,
            "invalid_timestamp:transaction_timestamp", files.unparseableTimestamp);
    byRule.forEach(
        (rule, expected) ->
            assertEquals(
                expected,
                quarantine.filter(array_contains(col("failed_rules"), rule)).count(),
                rule));
    Dataset<Row> transactions = lake.read(spark, Tables.SILVER_TRANSACTIONS);
    assertEquals(kept, transactions.count());
    assertEquals(
        files.unknownProduct,
        transactions.filter(array_contains(col("dq_flags"), "unknown_product")).count());
    for (String source : List.of("demographics", "campaign_descriptions")) {
      assertEquals(0L, counts.get(source + ".quarantined"), source);
    }
  }

  /**
   * One line in ten bad (each line bad independently): over n lines the share's standard deviation
   * is sqrt(0.1 * 0.9 / n), about 0.0026 for 14,000 lines; each of the five kinds is a share 0.02
   * of the lines, with deviation sqrt(n * 0.02 * 0.98) lines, about 17. Four deviations allowed.
   */
  @Test
  void theShareOfBadLinesIsTheOneAskedFor() {
    long n = files.lines;
    assertTrue(n > 10_000, "lines: " + n);
    assertEquals(
        BAD_SHARE, files.bad() / (double) n, 4 * Math.sqrt(BAD_SHARE * (1 - BAD_SHARE) / n));
    double kind = BAD_SHARE / 5;
    double expected = n * kind;
    double tolerance = 4 * Math.sqrt(n * kind * (1 - kind));
    for (long count :
        List.of(
            files.malformed,
            files.negativeQuantity,
            files.unknownProduct,
            files.unparseableTimestamp,
            files.duplicates)) {
      assertEquals(expected, count, tolerance);
    }
  }

  /**
   * The shape of the good lines against the study's: 9.5 lines per basket (the published 1,469,307
   * lines over about 154,600 baskets) and 595 lines per household and year (over 2,469 households),
   * within the bands that 300 households allow; the weekend share and the sales per line of the
   * sample (read from the sample file); and households buying their own products again: drawn
   * independently by popularity, a household's L lines would repeat a product about L/2 * sum(p^2)
   * of the time, sum(p^2) being 0.00054 on the sample, so about 1.2% for four weeks of an average
   * household (46 lines), 2.4% over households as unequal as the study's.
   */
  @Test
  void basketsHouseholdsWeekdaysAndRepeatsLookLikeTheStudy() {
    Map<Long, Integer> basketLines = new HashMap<>();
    double sales = 0;
    long weekend = 0;
    long repeats = 0;
    Set<List<Long>> bought = new HashSet<>();
    List<TransactionFiles.Good> byTime =
        files.good.stream().sorted((x, y) -> x.time().compareTo(y.time())).toList();
    for (TransactionFiles.Good g : byTime) {
      basketLines.merge(g.basket(), 1, Integer::sum);
      sales += g.salesValue();
      weekend += isWeekend(g.time().atZone(ZoneOffset.UTC).toLocalDate()) ? 1 : 0;
      repeats += bought.add(List.of(g.household(), g.product())) ? 0 : 1;
    }
    long lines = files.good.size();
    double linesPerBasket = lines / (double) basketLines.size();
    assertTrue(linesPerBasket > 8 && linesPerBasket < 11, "lines per basket " + linesPerBasket);
    double perYear = lines / (double) HOUSEHOLDS * 365 / DAYS;
    assertTrue(perYear > 450 && perYear < 750, "lines per household and year " + perYear);

    long sampleLines = 0;
    long sampleWeekend = 0;
    double sampleSales = 0;
    for (List<String> t :
        RawSample.rows(TestContexts.sample().resolve("transactions_sample.csv.gz"))) {
      sampleLines++;
      sampleWeekend += isWeekend(LocalDate.parse(t.get(10).substring(0, 10))) ? 1 : 0;
      sampleSales += Double.parseDouble(t.get(5));
    }
    double weekendShare = weekend / (double) lines;
    assertEquals(sampleWeekend / (double) sampleLines, weekendShare, 0.04, "weekend share");
    assertTrue(weekendShare > 2 / 7.0 + 0.02, "weekends are busier: " + weekendShare);
    assertEquals(sampleSales / sampleLines, sales / lines, 0.15 * sampleSales / sampleLines);
    assertTrue(repeats / (double) lines > 0.06, "repeat share " + repeats / (double) lines);
  }

  @Test
  void badArgumentsAreOneLineAndExitCode2(@TempDir Path tmp) throws IOException {
    var err = new java.io.ByteArrayOutputStream();
    var out = new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true);
    String[] base = {"--households", "10", "--seed", "1", "--out", tmp.resolve("x").toString()};
    assertEquals(2, GenerateJob.run(concat(base, "--days", "0"), out, printer(err)));
    assertEquals("error: --days must be in [1, 3660] (got 0) (see --help)\n", err.toString());
    err.reset();
    assertEquals(
        2, GenerateJob.run(concat(base, "--days", "1", "--bad-share", "0.7"), out, printer(err)));
    assertEquals("error: --bad-share must be in [0, 0.5] (got 0.7) (see --help)\n", err.toString());
    err.reset();
    Files.writeString(Files.createDirectories(tmp.resolve("x")).resolve("old.csv"), "x");
    TestSpark.get();
    assertEquals(2, GenerateJob.run(concat(base, "--days", "1"), out, printer(err)));
    assertTrue(err.toString().startsWith("error: output directory is not empty"), err.toString());
    assertEquals(1, err.toString().strip().lines().count());
  }

  /** Keeps the header and the first {@code lines} lines of a gzip file. */
  private static void shorten(Path gzipFile, int lines) throws IOException {
    List<String> kept;
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(gzipFile)), StandardCharsets.UTF_8))) {
      kept = in.lines().limit(lines + 1L).toList();
    }
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gzipFile))) {
      out.write((String.join("\n", kept) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  private static java.io.PrintStream printer(java.io.ByteArrayOutputStream bytes) {
    return new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  private static String[] concat(String[] base, String... more) {
    return Stream.concat(Stream.of(base), Stream.of(more)).toArray(String[]::new);
  }

  private static boolean isWeekend(LocalDate day) {
    return day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
  }

  private static List<String> names(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String firstLine(Path gzipFile) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(gzipFile)), StandardCharsets.UTF_8))) {
      return in.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
