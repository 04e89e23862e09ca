package com.retail.lakehouse.jobs.generate;

import com.retail.lakehouse.common.UserError;
import com.retail.lakehouse.common.cli.JobRunner;
import com.retail.lakehouse.jobs.bronze.Landing;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.kohsuke.args4j.CmdLineException;
import org.kohsuke.args4j.CmdLineParser;

/**
 * Generates Complete Journey-shaped sources at any scale into a landing directory: one transactions
 * file per day ({@code transactions_YYYY-MM-DD.csv.gz}, as a retailer's tills deliver them), the
 * households' demographics, campaigns and coupon redemptions, the campaigns' dates, and the real
 * products, coupons and promotions of the calibration sample; then a file {@code READY}. Not a
 * pipeline stage: a tool that feeds one, runnable with spark-submit as with {@code bin/pipeline
 * generate}.
 *
 * <p>Each task simulates a block of households ({@link Shopper}) from the broadcast {@link Model};
 * the lines are shuffled to their files and written there in a fixed order ({@link LandingFiles}).
 * Nothing generated is collected to the driver.
 */
public final class GenerateJob {
  private static final Logger LOG = LogManager.getLogger(GenerateJob.class);

  private GenerateJob() {}

  /** Households simulated per task. */
  static final int HOUSEHOLDS_PER_TASK = 200;

  /** The real files copied as they are: the catalogue and what hangs on it, not on households. */
  static final List<String> COPIED = List.of("products", "coupons", "promotions");

  /** What a generation wrote and how long it took. */
  public record Summary(
      String out, long transactionLines, long badLines, long lines, int files, double seconds) {
    public String describe() {
      return String.format(
          "generated %,d transaction lines (%,d bad, %.3f%%) and %,d other lines in %d files"
              + " in %.1f s: %s",
          transactionLines,
          badLines,
          transactionLines == 0 ? 0 : 100.0 * badLines / transactionLines,
          lines - transactionLines,
          files,
          seconds,
          out);
    }
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Parses, checks, generates; returns the exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    GenerateOptions options = new GenerateOptions();
    CmdLineParser parser = new CmdLineParser(options);
    try {
      parser.parseArgument(args);
      if (options.help) {
        out.println("usage: " + GenerateJob.class.getName() + " [options]");
        parser.printUsage(out);
        return 0;
      }
      options.validate();
    } catch (CmdLineException | UserError e) {
      err.println("error: " + e.getMessage() + " (see --help)");
      return JobRunner.USAGE;
    }
    try {
      SparkSession spark =
          SparkSession.builder().appName("retail-lakehouse-generate").getOrCreate();
      out.println(generate(spark, options).describe());
      return 0;
    } catch (UserError e) {
      err.println("error: " + e.getMessage());
      return JobRunner.USAGE;
    } catch (Exception e) { // also Spark's exceptions, checked but thrown from Scala
      err.println("error: generate failed: " + JobRunner.oneLine(e));
      return JobRunner.FAILED;
    }
  }

  /** Generates what {@code options} describe; the output directory must be new or empty. */
  public static Summary generate(SparkSession spark, GenerateOptions options) {
    long started = System.nanoTime();
    Model.Plan plan = options.plan();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String out = prepare(options.out, hadoop);
    Model model = Calibration.calibrate(hadoop, options.calibrationDir(), plan);
    LOG.info(
        "calibrated on {} in {} s; simulating {} households over {} days",
        options.calibrationDir(),
        seconds(started),
        plan.households(),
        plan.days());
    Broadcast<Model> broadcast =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model);

    int tasks = (int) Math.min(10_000, (plan.households() - 1) / HOUSEHOLDS_PER_TASK + 1);
    Dataset<Row> households =
        spark
            .range(1, plan.households() + 1, 1, tasks)
            .mapPartitions(
                (MapPartitionsFunction<Long, Row>) ids -> rows(broadcast.value(), ids),
                Encoders.row(LandingFiles.SCHEMA));
    Dataset<Row> all =
        households.union(spark.createDataFrame(campaignDescriptions(model), LandingFiles.SCHEMA));
    List<String> names = new ArrayList<>();
    for (int d = 0; d < plan.days(); d++) {
      names.add("transactions_" + plan.day(d));
    }
    names.addAll(
        List.of("demographics", "campaigns", "campaign_descriptions", "coupon_redemptions"));
    LandingFiles.Written written =
        LandingFiles.write(all, out, Math.max(2, Math.min(names.size(), tasks)));
    LOG.info("wrote {} lines at {} s", written.lines(), seconds(started));
    names.forEach(name -> LandingFiles.ensureFile(out, name, hadoop));
    copyReal(options.calibrationDir(), out, hadoop);
    Summary summary =
        new Summary(
            out,
            written.transactionLines(),
            written.badLines(),
            written.lines(),
            names.size() + COPIED.size(),
            seconds(started));
    ready(out, plan, summary, hadoop);
    broadcast.destroy();
    return summary;
  }

  private static double seconds(long startedNanos) {
    return Math.round((System.nanoTime() - startedNanos) / 1e8) / 10.0;
  }

  /** The lines of a block of households, one household at a time. */
  static Iterator<Row> rows(Model model, Iterator<Long> households) {
    ArrayDeque<Row> buffer = new ArrayDeque<>();
    Shopper.Sink sink =
        (file, k1, k2, k3, line, bad) -> buffer.add(RowFactory.create(file, k1, k2, k3, line, bad));
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        while (buffer.isEmpty() && households.hasNext()) {
          new Shopper(model, households.next()).generate(sink);
        }
        return !buffer.isEmpty();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return buffer.poll();
      }
    };
  }

  private static List<Row> campaignDescriptions(Model model) {
    boolean[] quoted = {true, true, false, false};
    List<Row> rows = new ArrayList<>();
    for (Marketing.Campaign c : model.marketing().campaigns()) {
      String[] values = {
        Integer.toString(c.id()), c.type(), c.start().toString(), c.end().toString()
      };
      rows.add(
          RowFactory.create(
              "campaign_descriptions", (long) c.id(), 0L, 0L, Csv.line(values, quoted), false));
    }
    return rows;
  }

  /** The output directory, qualified; refuses one that holds anything. */
  private static String prepare(String dir, Configuration hadoop) {
    try (FileSystem fs = LandingFiles.fileSystem(dir, hadoop)) {
      Path path = fs.makeQualified(new Path(dir));
      if (fs.exists(path)
          && (!fs.getFileStatus(path).isDirectory() || fs.listStatus(path).length > 0)) {
        throw new UserError(
            "output directory is not empty: " + dir + " (generate into a new or empty directory)");
      }
      fs.mkdirs(path);
      return path.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  /** Copies the sample's products, coupons and promotions files as they are. */
  private static void copyReal(String from, String to, Configuration hadoop) {
    Landing landing = new Landing(from, hadoop);
    try (FileSystem target = LandingFiles.fileSystem(to, hadoop)) {
      for (String table : COPIED) {
        List<Path> files = landing.files(Csv.source(table));
        if (files.size() != 1) {
          throw new UserError(
              "expected one "
                  + table
                  + " file in the calibration directory "
                  + from
                  + ", found "
                  + files.size());
        }
        Path file = files.get(0);
        String name = table + (file.getName().endsWith(".gz") ? ".csv.gz" : ".csv");
        FileUtil.copy(file.getFileSystem(hadoop), file, target, new Path(to, name), false, hadoop);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the real files into " + to, e);
    }
  }

  /**
   * Writes {@code READY}, last: what was generated and from what (no times, so it is reproducible).
   */
  private static void ready(String out, Model.Plan plan, Summary summary, Configuration hadoop) {
    String text =
        String.format(
            "households=%d%ndays=%d%nstart=%s%nseed=%d%nbad_share=%s%ntransaction_lines=%d%n"
                + "bad_lines=%d%nother_lines=%d%nfiles=%d%n",
            plan.households(),
            plan.days(),
            plan.start(),
            plan.seed(),
            plan.badShare(),
            summary.transactionLines(),
            summary.badLines(),
            summary.lines() - summary.transactionLines(),
            summary.files());
    try (FileSystem fs = LandingFiles.fileSystem(out, hadoop);
        OutputStream stream = fs.create(new Path(out, "READY"), true)) {
      stream.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out + "/READY", e);
    }
  }
}
