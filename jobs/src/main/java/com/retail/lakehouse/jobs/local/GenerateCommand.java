package com.retail.lakehouse.jobs.local;

import com.retail.lakehouse.jobs.generate.GenerateJob;
import com.retail.lakehouse.jobs.generate.GenerateOptions;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** {@code bin/pipeline generate}: Complete Journey-shaped sources at any scale, on local[*]. */
final class GenerateCommand implements Command {
  private static final String SYNOPSIS =
      "generate --households H --days D --seed S --out DIR [--start YYYY-MM-DD] [--bad-share P]";

  @Override
  public String name() {
    return "generate";
  }

  @Override
  public String summary() {
    return "Complete Journey-shaped sources at any scale, one transactions file a day:\n"
        + "--households H --days D --seed S --out DIR [--bad-share P]";
  }

  @Override
  public int run(String[] args, Console console) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      console.help(new GenerateOptions(), SYNOPSIS, true);
      return 0;
    }
    GenerateOptions o = console.parse(new GenerateOptions(), args, name());
    o.validate();
    SparkSession spark = SparkSession.builder().appName("retail-lakehouse-generate").getOrCreate();
    console.out().println(GenerateJob.generate(spark, o).describe());
    return 0;
  }
}
