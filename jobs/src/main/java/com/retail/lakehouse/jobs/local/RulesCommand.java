package com.retail.lakehouse.jobs.local;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.JobOptions;
import com.retail.lakehouse.common.config.Settings;
import com.retail.lakehouse.common.config.Threshold;
import com.retail.lakehouse.common.lake.Lake;
import com.retail.lakehouse.common.lake.TableId;
import com.retail.lakehouse.common.spark.Sessions;
import com.retail.lakehouse.jobs.recommend.BasketMining;
import java.io.File;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.kohsuke.args4j.Option;

/** {@code bin/pipeline rules}: FP-Growth over any basket file, the top rules printed. */
final class RulesCommand implements Command {
  /** Options of {@code bin/pipeline rules}. */
  static final class Options {
    @Option(
        name = "--baskets",
        metaVar = "FILE",
        required = true,
        usage = "one basket a line, items separated by commas (gzip is fine)")
    String baskets;

    @Option(
        name = "--min-support",
        metaVar = "S",
        required = true,
        usage = "minimum support, in (0, 1]")
    double minSupport;

    @Option(
        name = "--min-confidence",
        metaVar = "C",
        required = true,
        usage = "minimum confidence, in (0, 1]")
    double minConfidence;

    @Option(name = "--top", metaVar = "K", usage = "rules printed, by lift")
    int top = 10;

    @Option(
        name = "--out",
        metaVar = "DIR",
        usage = "write frequent_itemsets and association_rules as Delta tables here")
    String outDir;

    @Option(name = "--help", aliases = "-h", help = true, usage = "show this help")
    boolean help;
  }

  private static final String SYNOPSIS =
      "rules --baskets FILE --min-support S --min-confidence C [--out DIR]";

  @Override
  public String name() {
    return "rules";
  }

  @Override
  public String summary() {
    return "mine association rules from a basket file (one basket a line)";
  }

  @Override
  public int run(String[] args, Console console) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      console.help(new Options(), SYNOPSIS, true);
      return 0;
    }
    Options o = console.parse(new Options(), args, name());
    if (!(o.minSupport > 0 && o.minSupport <= 1)
        || !(o.minConfidence > 0 && o.minConfidence <= 1)) {
      throw new UserError("--min-support and --min-confidence must be in (0, 1]");
    }
    if (!new File(o.baskets).isFile()) {
      throw new UserError("basket file not found: " + o.baskets);
    }
    SparkSession spark = Sessions.create("retail-lakehouse-rules", new JobOptions().settings());
    Dataset<Row> baskets = readBaskets(spark, o.baskets).cache();
    BasketMining.Mined mined = BasketMining.mine(baskets, mining(o));
    Dataset<Row> itemsets = mined.itemsets();
    Dataset<Row> rules = mined.rules();
    console
        .out()
        .printf(
            "%,d baskets, %,d frequent itemsets, %,d rules (min support %s, min confidence %s)%n",
            mined.baskets(),
            mined.itemsetsFound(),
            mined.rulesKept(),
            o.minSupport,
            o.minConfidence);
    console
        .out()
        .println(
            TablePrinter.format(
                rules.orderBy(
                    col("lift").desc(),
                    col("confidence").desc(),
                    col("antecedent"),
                    col("consequent")),
                "table",
                o.top));
    if (o.outDir != null) {
      Lake lake = new Lake(o.outDir);
      String note = "rules from " + o.baskets;
      lake.replace(new TableId("rules", "frequent_itemsets"), itemsets, note);
      lake.replace(new TableId("rules", "association_rules"), rules, note);
      console
          .out()
          .println(
              "written: "
                  + o.outDir
                  + "/rules/frequent_itemsets and "
                  + o.outDir
                  + "/rules/association_rules");
    }
    return 0;
  }

  /** Every rule FP-Growth finds at these thresholds: no lift, size or count limit. */
  private static Settings.Mining mining(Options o) {
    return new Settings.Mining(
        "item",
        Threshold.ofFraction(Double.toString(o.minSupport)),
        Threshold.ofFraction(Double.toString(o.minConfidence)),
        0.0,
        Integer.MAX_VALUE,
        Integer.MAX_VALUE,
        Long.MAX_VALUE,
        "fail",
        Integer.MAX_VALUE);
  }

  /** A basket file: one basket a line, items separated by commas, blank items dropped. */
  static Dataset<Row> readBaskets(SparkSession spark, String file) {
    return spark
        .read()
        .text(file)
        .select(array_distinct(filter(split(col("value"), ","), s -> length(s).gt(0))).as("items"))
        .filter(size(col("items")).gt(0));
  }
}
