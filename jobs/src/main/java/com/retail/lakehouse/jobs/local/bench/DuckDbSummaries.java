package com.retail.lakehouse.jobs.local.bench;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.jobs.bronze.Source;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * What a user would write instead of the pipeline: DuckDB (in-process, through its JDBC driver)
 * reading the landing CSV files and computing the customer summary and the product performance,
 * load included. The silver rules that decide which lines count are written again in SQL: a line
 * whose keys, quantity, amount or time cannot be typed, or with a negative quantity, amount or
 * discount, is left out; a (basket, product) line read twice counts once; a product missing from
 * the catalogue still counts. Runs in its own JVM (bin/bench measures its memory apart):
 *
 * <pre>DuckDbSummaries LANDING_DIR AS_OF_DATE OUT_DIR</pre>
 *
 * <p>Writes {@code customer_summary.csv} and {@code product_performance.csv} (sorted by key), then,
 * after the timed part, the clean lines and the catalogue's items as Parquet for the FP-Growth
 * comparison, and {@code duckdb.properties}: lines read and kept, and {@code wall_ms} from the
 * JVM's start to the summaries written.
 */
public final class DuckDbSummaries {
  private DuckDbSummaries() {}

  /** A whole number as the silver rules type it: null when it has a fraction. */
  private static final String MACROS =
      """
      CREATE MACRO whole(v) AS
        CASE WHEN try_cast(v AS DECIMAL(38,10)) = try_cast(v AS DECIMAL(28,0))
             THEN try_cast(v AS DECIMAL(28,0)) END;
      CREATE MACRO cents(v) AS try_cast(round(try_cast(v AS DECIMAL(38,18)), 2) AS DECIMAL(12,2));
      CREATE MACRO txt(v) AS nullif(trim(v), '');
      """;

  /** Typed lines, kept by the same rules as silver, one per (basket, product). */
  private static final String LINES =
      """
      CREATE TABLE lines AS
      WITH raw AS (
        SELECT txt(household_id) h, txt(store_id) s, txt(basket_id) b, txt(product_id) p,
               txt(quantity) q, txt(sales_value) v, txt(retail_disc) rd, txt(coupon_disc) cd,
               txt(coupon_match_disc) cmd, txt(week) w, txt(transaction_timestamp) ts, filename
        FROM read_csv(%s, header = true, all_varchar = true, null_padding = true,
                      union_by_name = true, filename = true)
      ), typed AS (
        SELECT try_cast(whole(h) AS BIGINT) household_id, try_cast(whole(s) AS BIGINT) store_id,
               try_cast(whole(b) AS BIGINT) basket_id, try_cast(whole(p) AS BIGINT) product_id,
               try_cast(whole(q) AS INTEGER) quantity, cents(v) sales_value,
               cents(rd) retail_disc, cents(cd) coupon_disc, cents(cmd) coupon_match_disc,
               try_cast(whole(w) AS INTEGER) week_no, try_cast(ts AS TIMESTAMPTZ) ts_typed,
               h, s, b, p, q, v, rd, cd, cmd, w, ts, filename
        FROM raw
      )
      SELECT household_id, basket_id, product_id, quantity, sales_value,
             CAST(ts_typed AS DATE) transaction_date
      FROM typed
      WHERE household_id IS NOT NULL AND store_id IS NOT NULL AND basket_id IS NOT NULL
        AND product_id IS NOT NULL AND quantity IS NOT NULL AND sales_value IS NOT NULL
        AND ts_typed IS NOT NULL
        AND (rd IS NULL OR retail_disc IS NOT NULL) AND (cd IS NULL OR coupon_disc IS NOT NULL)
        AND (cmd IS NULL OR coupon_match_disc IS NOT NULL) AND (w IS NULL OR week_no IS NOT NULL)
        AND quantity >= 0 AND sales_value >= 0
        AND coalesce(retail_disc, 0) >= 0 AND coalesce(coupon_disc, 0) >= 0
        AND coalesce(coupon_match_disc, 0) >= 0
      QUALIFY row_number() OVER (PARTITION BY basket_id, product_id ORDER BY filename DESC) = 1
      """;

  private static final String CUSTOMER_SUMMARY =
      """
      SELECT household_id, count(DISTINCT basket_id) baskets, sum(quantity) items,
             CAST(sum(sales_value) AS DECIMAL(12,2)) total_spend,
             min(transaction_date) first_purchase, max(transaction_date) last_purchase
      FROM lines WHERE transaction_date <= DATE '%s'
      GROUP BY household_id ORDER BY household_id
      """;

  private static final String PRODUCT_PERFORMANCE =
      """
      SELECT product_id, count(DISTINCT basket_id) baskets, count(DISTINCT household_id) households,
             sum(quantity) quantity, CAST(sum(sales_value) AS DECIMAL(12,2)) revenue
      FROM lines WHERE transaction_date <= DATE '%s'
      GROUP BY product_id ORDER BY product_id
      """;

  /** The catalogue's item of each product at every level, one row per product (the last read). */
  private static final String PRODUCTS =
      """
      SELECT product_id, product_type, product_category FROM (
        SELECT try_cast(whole(txt(product_id)) AS BIGINT) product_id,
               txt(product_type) product_type, txt(product_category) product_category, filename
        FROM read_csv(%s, header = true, all_varchar = true, null_padding = true,
                      union_by_name = true, filename = true))
      WHERE product_id IS NOT NULL
      QUALIFY row_number() OVER (PARTITION BY product_id ORDER BY filename DESC) = 1
      """;

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: DuckDbSummaries LANDING_DIR AS_OF_DATE OUT_DIR");
      System.exit(2);
    }
    try {
      Properties stats = run(Path.of(args[0]), LocalDate.parse(args[1]), Path.of(args[2]));
      stats.forEach((k, v) -> System.out.println(k + "=" + v));
    } catch (UserError e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
    }
  }

  /** Computes both summaries into {@code out}, then exports the mining input; returns the stats. */
  static Properties run(Path landing, LocalDate asOf, Path out) throws SQLException, IOException {
    Files.createDirectories(out);
    String transactions = files(landing, "transactions");
    String products = files(landing, "products");
    Properties stats = new Properties();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      s.execute(MACROS);
      long loadStart = System.currentTimeMillis();
      s.execute(LINES.formatted(transactions));
      stats.setProperty("load_ms", Long.toString(System.currentTimeMillis() - loadStart));
      copy(s, CUSTOMER_SUMMARY.formatted(asOf), out.resolve("customer_summary.csv"));
      copy(s, PRODUCT_PERFORMANCE.formatted(asOf), out.resolve("product_performance.csv"));
      long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
      stats.setProperty("wall_ms", Long.toString(System.currentTimeMillis() - jvmStart));
      stats.setProperty("lines_read", Long.toString(count(s, rawCount(transactions))));
      stats.setProperty("lines_kept", Long.toString(count(s, "SELECT count(*) FROM lines")));
      s.execute(
          "COPY (SELECT basket_id, product_id, transaction_date FROM lines) TO '%s' (FORMAT parquet)"
              .formatted(out.resolve("basket_lines.parquet")));
      s.execute(
          "COPY (%s) TO '%s' (FORMAT parquet)"
              .formatted(PRODUCTS.formatted(products), out.resolve("products.parquet")));
    }
    try (OutputStream o = Files.newOutputStream(out.resolve("duckdb.properties"))) {
      stats.store(o, "DuckDbSummaries " + landing + " " + asOf);
    }
    return stats;
  }

  /** The files of one source in the landing directory, as a DuckDB list literal. */
  static String files(Path landing, String table) {
    Source source =
        Source.COMPLETE_JOURNEY.stream().filter(x -> x.table().equals(table)).findFirst().get();
    File[] all = landing.toFile().listFiles();
    List<String> found =
        all == null
            ? List.of()
            : Arrays.stream(all)
                .filter(f -> f.isFile() && source.matches(f.getName()))
                .map(f -> "'" + f.getAbsolutePath().replace("'", "''") + "'")
                .sorted()
                .toList();
    if (found.isEmpty()) {
      throw new UserError("no " + table + " file in " + landing);
    }
    return found.stream().collect(Collectors.joining(", ", "[", "]"));
  }

  private static String rawCount(String files) {
    return "SELECT count(*) FROM read_csv(%s, header = true, all_varchar = true, null_padding = true, union_by_name = true)"
        .formatted(files);
  }

  private static void copy(Statement s, String query, Path file) throws SQLException {
    s.execute("COPY (%s) TO '%s' (HEADER, DELIMITER ',')".formatted(query, file));
  }

  private static long count(Statement s, String query) throws SQLException {
    try (ResultSet r = s.executeQuery(query)) {
      r.next();
      return r.getLong(1);
    }
  }
}
