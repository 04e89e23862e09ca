package com.retail.lakehouse.jobs.local;

import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.JobOptions;
import com.retail.lakehouse.common.lake.Tables;
import com.retail.lakehouse.common.publish.EmbeddedDatabase;
import com.retail.lakehouse.common.spark.Sessions;
import com.retail.lakehouse.jobs.shop.ForgetCustomer;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.apache.spark.sql.SparkSession;
import org.kohsuke.args4j.Option;

/** {@code bin/pipeline forget}: erases one shop customer from the lake and PostgreSQL. */
final class ForgetCommand implements Command {
  /** Options of {@code bin/pipeline forget}: the job options plus who to forget. */
  static final class Options extends JobOptions {
    @Option(name = "--email", metaVar = "ADDRESS", usage = "email of the customer to forget")
    String email;

    @Option(
        name = "--customer-id",
        metaVar = "ID",
        usage = "shop customer id of the customer to forget")
    String customerId;
  }

  @Override
  public String name() {
    return "forget";
  }

  @Override
  public String summary() {
    return "erase one shop customer from bronze, silver, gold and PostgreSQL:\n"
        + "--email ADDRESS | --customer-id ID";
  }

  @Override
  public int run(String[] args, Console console) {
    Options o = console.parse(new Options(), args, name());
    if (console.help(o, "forget --email ADDRESS | --customer-id ID [options]", o.help)) {
      return 0;
    }
    ForgetCustomer.requireOne(o.email, o.customerId);
    if (o.date == null) {
      // An erasure computes no business figure: any logical date will do when none is configured.
      o.date = o.settings().defaultDate().orElse(LocalDate.now(ZoneOffset.UTC).toString());
    }
    JobContext ctx = o.context();
    try (EmbeddedDatabase embedded = LocalServices.embeddedIfNeeded(ctx, true)) {
      JobContext withDb = embedded != null ? ctx.withDatabase(embedded.postgres()) : ctx;
      SparkSession spark = Sessions.create("retail-lakehouse-forget", ctx.settings());
      ForgetCustomer.Outcome outcome = ForgetCustomer.forget(spark, withDb, o.email, o.customerId);
      console
          .out()
          .printf(
              "forgot customer %s: %,d orders removed (%s); files vacuumed past %d hours;"
                  + " recorded in %s%n",
              String.join(",", outcome.customerKeys()),
              outcome.ordersRemoved(),
              outcome.rowsRemoved(),
              ctx.settings().piiErasureRetentionHours(),
              Tables.OPS_ERASURES);
      return 0;
    }
  }
}
