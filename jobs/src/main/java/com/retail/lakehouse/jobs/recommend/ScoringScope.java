package com.retail.lakehouse.jobs.recommend;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.lake.Tables;
import java.sql.Date;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The households a run of the recommendations stage must score. For a per-household model ({@link
 * Models#perHousehold}) a list depends only on the household's own lines and on the mining (its
 * rules, and the products each item stands for, counted up to its cut-off), so a run that reuses
 * the rules the stored lists were scored with scores again only the households whose lines changed
 * since (Delta's change data feed of {@code silver.transactions}) or that a later as-of date brings
 * lines for: the daily cost follows the day, not the history. Anything else scores every household:
 * other rules, parameters or model, a changed catalogue (products move between items), a change
 * dated on or before the mining's cut-off (the item products move), a feed that cannot be read.
 */
public final class ScoringScope {
  private static final Logger LOG = LogManager.getLogger(ScoringScope.class);
  static final TableId FACTS = Tables.SILVER_TRANSACTIONS;

  private ScoringScope() {}

  /** The households to score again ({@code household_id}, persisted) and how many they are. */
  public record Touched(Dataset<Row> households, long count) {
    public void release() {
      households.unpersist();
    }
  }

  /**
   * What stored lists were scored from, read from their fingerprint ({@code head}, then the as-of
   * date, {@code |rules=}, the rules' fingerprint, then the inputs as {@code table@version}).
   */
  record Scored(LocalDate date, Map<String, Long> versions) {
    long version(TableId table) {
      return versions.getOrDefault(table.toString(), -1L);
    }

    /** Empty when {@code fingerprint} was not written with this head and these rules. */
    static Optional<Scored> parse(String fingerprint, String head, String rules) {
      if (fingerprint == null || !fingerprint.startsWith(head)) {
        return Optional.empty();
      }
      String rest = fingerprint.substring(head.length());
      String marker = "|rules=" + rules + "|";
      int at = rest.indexOf(marker);
      if (at < 0) {
        return Optional.empty();
      }
      Map<String, Long> versions = new TreeMap<>();
      try {
        LocalDate date = LocalDate.parse(rest.substring(0, at));
        for (String input : rest.substring(at + marker.length()).split(",")) {
          int sign = input.lastIndexOf('@');
          versions.put(input.substring(0, sign), Long.parseLong(input.substring(sign + 1)));
        }
        return Optional.of(new Scored(date, versions));
      } catch (DateTimeParseException | NumberFormatException | StringIndexOutOfBoundsException e) {
        return Optional.empty();
      }
    }
  }

  /**
   * The households to score again for lists as of {@code date} with the rules {@code rules}, or
   * empty when every household must be scored.
   *
   * @param stored the fingerprint of the stored lists
   * @param current this run's fingerprint (the inputs' versions now)
   * @param head how both fingerprints start, up to the as-of date: stage and parameters
   * @param minedCutoff the cut-off of the lines the rules and item products were counted on
   */
  public static Optional<Touched> of(
      SparkSession spark,
      Lake lake,
      String model,
      Optional<String> stored,
      String current,
      String head,
      String rules,
      LocalDate date,
      LocalDate minedCutoff) {
    Optional<Scored> scored = stored.flatMap(f -> Scored.parse(f, head, rules));
    Optional<Scored> now = Scored.parse(current, head, rules);
    if (!Models.perHousehold(model) || scored.isEmpty() || now.isEmpty()) {
      return Optional.empty();
    }
    Scored s = scored.get();
    long before = s.version(FACTS);
    long after = now.get().version(FACTS);
    if (s.version(Tables.SILVER_PRODUCTS) != now.get().version(Tables.SILVER_PRODUCTS)
        || before < 0
        || before > after
        || s.date().isAfter(date)) {
      LOG.info("scoring every household: the catalogue changed, or the history was rewritten");
      return Optional.empty();
    }
    List<Dataset<Row>> households = new ArrayList<>();
    try {
      if (after > before) {
        Dataset<Row> changed =
            lake.changes(spark, FACTS, before, after).select("household_id", "transaction_date");
        if (!changed
            .filter(col("transaction_date").leq(lit(Date.valueOf(minedCutoff))))
            .isEmpty()) {
          LOG.info(
              "scoring every household: lines dated up to the mining's cut-off {} changed",
              minedCutoff);
          return Optional.empty();
        }
        households.add(
            changed
                .filter(col("transaction_date").leq(lit(Date.valueOf(date))))
                .select("household_id"));
      }
    } catch (RuntimeException e) {
      LOG.warn("scoring every household: cannot read what changed ({})", e.getMessage());
      return Optional.empty();
    }
    if (date.isAfter(s.date())) {
      households.add(
          lake.read(spark, FACTS)
              .filter(
                  col("transaction_date")
                      .gt(lit(Date.valueOf(s.date())))
                      .and(col("transaction_date").leq(lit(Date.valueOf(date)))))
              .select("household_id"));
    }
    Dataset<Row> touched =
        households.stream()
            .reduce(Dataset::union)
            .orElseGet(() -> lake.read(spark, FACTS).select("household_id").limit(0))
            .distinct()
            .persist(StorageLevel.MEMORY_AND_DISK());
    return Optional.of(new Touched(touched, touched.count()));
  }
}
