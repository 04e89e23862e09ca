package com.retail.lakehouse.jobs.recommend;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;

import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * A temporal hold-out: the model is built from the history up to a cut-off date and judged on what
 * each household bought after it.
 *
 * <p>Metrics over the households that bought something in the test window and something before the
 * cut-off (a model cannot know a household it has never seen), with {@code hits} the recommended
 * products among the first K that the household bought in the window and {@code T} the distinct
 * products it bought there:
 *
 * <ul>
 *   <li>precision@K = hits / K; recall@K = hits / T;
 *   <li>AP@K = (1 / min(K, T)) × Σ over the hit ranks r of (hits up to rank r) / r; MAP@K is its
 *       mean;
 *   <li>each averaged over the households (a household with no recommendation counts as 0);
 *   <li>coverage = distinct products recommended (any household, first K) / distinct products sold
 *       before the cut-off.
 * </ul>
 */
public final class Evaluation {
  private Evaluation() {}

  /** Lines up to and including the cut-off to build from, and what was bought after it. */
  public record Split(Dataset<Row> train, Dataset<Row> truth) {}

  /** One model's figures. */
  public record Metrics(
      long households, double precision, double recall, double map, double coverage) {}

  /**
   * Splits transaction lines at the cut-off: {@code train} holds the lines dated on or before it;
   * {@code truth} the distinct {@code household_id, product_id} bought after it and on or before
   * {@code end}, for households that also bought on or before it.
   */
  public static Split split(Dataset<Row> lines, LocalDate cutoff, LocalDate end) {
    Dataset<Row> train = lines.filter(col("transaction_date").leq(lit(Date.valueOf(cutoff))));
    Dataset<Row> known = train.select("household_id").distinct();
    Dataset<Row> truth =
        lines
            .filter(col("transaction_date").gt(lit(Date.valueOf(cutoff))))
            .filter(col("transaction_date").leq(lit(Date.valueOf(end))))
            .select("household_id", "product_id")
            .distinct()
            .join(known, "household_id", "left_semi");
    return new Split(train, truth);
  }

  /**
   * The metrics of recommendations ({@code household_id, rank, product_id}) against the truth
   * ({@code household_id, product_id}) at K; {@code catalogue} is the number of distinct products
   * sold before the cut-off.
   */
  public static Metrics measure(
      Dataset<Row> recommendations, Dataset<Row> truth, int k, long catalogue) {
    Dataset<Row> firstK =
        recommendations.filter(col("rank").leq(k)).select("household_id", "rank", "product_id");
    Dataset<Row> wanted = truth.groupBy("household_id").agg(count(lit(1)).as("wanted"));
    Dataset<Row> hits =
        firstK
            .join(truth, new String[] {"household_id", "product_id"})
            .withColumn(
                "hits_so_far",
                row_number().over(Window.partitionBy("household_id").orderBy("rank")))
            .groupBy("household_id")
            .agg(
                count(lit(1)).as("hits"),
                sum(col("hits_so_far").divide(col("rank"))).as("precision_sum"));
    Row figures =
        wanted
            .join(hits, new String[] {"household_id"}, "left")
            .select(
                coalesce(col("hits"), lit(0L)).divide(lit(k)).as("p"),
                coalesce(col("hits"), lit(0L)).divide(col("wanted")).as("r"),
                coalesce(col("precision_sum"), lit(0.0))
                    .divide(least(col("wanted"), lit((long) k)))
                    .as("ap"))
            .agg(count(lit(1)), avg("p"), avg("r"), avg("ap"))
            .first();
    long recommended = firstK.agg(count_distinct(col("product_id"))).first().getLong(0);
    long households = figures.getLong(0);
    return new Metrics(
        households,
        households == 0 ? 0 : figures.getDouble(1),
        households == 0 ? 0 : figures.getDouble(2),
        households == 0 ? 0 : figures.getDouble(3),
        catalogue == 0 ? 0 : (double) recommended / catalogue);
  }
}
