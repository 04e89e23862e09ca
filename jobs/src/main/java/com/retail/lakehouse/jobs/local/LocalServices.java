package com.retail.lakehouse.jobs.local;

import com.retail.lakehouse.common.cli.Job;
import com.retail.lakehouse.common.cli.JobContext;
import com.retail.lakehouse.common.cli.JobOptions;
import com.retail.lakehouse.common.cli.StageSpec.Need;
import com.retail.lakehouse.common.publish.EmbeddedDatabase;
import java.util.List;

/**
 * What the local runner starts for the stages it runs, from what they declare they need: a
 * simulated shop API when a stage needs the orders API and none is configured (local environment
 * only), and an embedded PostgreSQL beside the lake when a stage needs the database and none is
 * configured. Closing stops both.
 */
final class LocalServices implements AutoCloseable {
  private final JobContext context;
  private final ShopApiSimulator shop;
  private final EmbeddedDatabase database;

  private LocalServices(JobContext context, ShopApiSimulator shop, EmbeddedDatabase database) {
    this.context = context;
    this.shop = shop;
    this.database = database;
  }

  /** Validates the options, then starts what the stages need and nothing else. */
  static LocalServices start(JobOptions options, List<Job> stages, Console console) {
    JobContext ctx = options.context();
    ShopApiSimulator shop = null;
    if (needs(stages, Need.SHOP_API)
        && !ctx.settings().ordersApi().isConfigured()
        && ctx.settings().env().equals("local")) {
      shop = ShopApiCommand.simulatorForLocalRun(ctx.settings().sourcesRoot()).start(0);
      console.out().println("no --orders-api given: simulated shop API at " + shop.url());
      options.runId = ctx.runId();
      options.overrides.add("orders-api.url=" + shop.url());
      ctx = options.context();
    }
    EmbeddedDatabase database = null;
    try {
      database = embeddedIfNeeded(ctx, needs(stages, Need.DATABASE));
    } catch (RuntimeException e) {
      if (shop != null) {
        shop.close();
      }
      throw e;
    }
    return new LocalServices(
        database == null ? ctx : ctx.withDatabase(database.postgres()), shop, database);
  }

  /**
   * The embedded PostgreSQL beside the lake, started when {@code needed} and no database is
   * configured; null otherwise.
   */
  static EmbeddedDatabase embeddedIfNeeded(JobContext ctx, boolean needed) {
    return needed && !ctx.settings().postgres().isConfigured()
        ? EmbeddedDatabase.start(EmbeddedDatabase.besideLake(ctx.settings().lakeRoot()))
        : null;
  }

  JobContext context() {
    return context;
  }

  /** Where the gold tables are served, for the run summary. */
  String serving() {
    String schema = ", schema " + context.settings().postgres().schema();
    return database != null
        ? "embedded PostgreSQL, data in "
            + EmbeddedDatabase.besideLake(context.settings().lakeRoot())
            + schema
        : context.settings().postgres().url() + schema;
  }

  private static boolean needs(List<Job> stages, Need need) {
    return stages.stream().anyMatch(j -> j.spec().needs(need));
  }

  @Override
  public void close() {
    if (database != null) {
      database.close();
    }
    if (shop != null) {
      shop.close();
    }
  }
}
