package com.retail.lakehouse.jobs.local;

import com.retail.lakehouse.common.cli.JobRunner;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.kohsuke.args4j.CmdLineException;
import org.kohsuke.args4j.CmdLineParser;
import org.kohsuke.args4j.Option;

/**
 * {@code bin/pipeline shop-api}: serves the simulated orders API until killed, for trying the
 * {@code orders_extract} stage by hand.
 */
final class ShopApiCommand implements Command {

  /** Options of {@code bin/pipeline shop-api}. */
  static final class Options {
    @Option(name = "--port", metaVar = "P", usage = "port to listen on (0: a free one)")
    int port = 8089;

    @Option(name = "--host", metaVar = "HOST", usage = "address to listen on")
    String host = "127.0.0.1";

    @Option(name = "--orders", metaVar = "N", usage = "orders placed before the server starts")
    int orders = 500;

    @Option(name = "--seed", metaVar = "S", usage = "seed of the simulated orders")
    long seed = 42;

    @Option(
        name = "--products",
        metaVar = "FILE",
        usage = "Complete Journey products file (default: the shipped sample's)")
    String products;

    @Option(name = "--token", metaVar = "T", usage = "require this bearer token")
    String token;

    @Option(
        name = "--fault-rate",
        metaVar = "P",
        usage = "share of requests answered by a 500, a 503 or slowly (0 for none)")
    double faultRate = 0.05;

    @Option(
        name = "--rate-limit",
        metaVar = "N",
        usage = "requests per second above which it answers 429 (0 for no limit)")
    int rateLimit = 20;

    @Option(name = "--help", aliases = "-h", help = true, usage = "show this help")
    boolean help;
  }

  @Override
  public String name() {
    return "shop-api";
  }

  @Override
  public String summary() {
    return "serve a simulated web-shop orders API: --port P [--orders N] [--seed S]";
  }

  /** Starts the simulator and blocks serving until the process is killed. */
  @Override
  public int run(String[] args, Console console) {
    PrintStream out = console.out();
    PrintStream err = console.err();
    Options o = new Options();
    CmdLineParser parser = new CmdLineParser(o);
    ShopApiSimulator simulator;
    try {
      parser.parseArgument(args);
      if (o.help) {
        out.println("usage: bin/pipeline shop-api [--port P] [--orders N] [--seed S] [options]");
        parser.printUsage(out);
        return 0;
      }
      simulator = simulator(o);
    } catch (CmdLineException | IllegalArgumentException e) {
      err.println("error: " + e.getMessage() + " (see bin/pipeline shop-api --help)");
      return JobRunner.USAGE;
    }
    try {
      simulator.start(o.host, o.port);
    } catch (RuntimeException e) {
      err.println("error: shop-api failed: " + JobRunner.oneLine(e));
      return JobRunner.FAILED;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(simulator::close));
    out.println("shop API simulator serving " + simulator.shop().orders().size() + " orders");
    out.println("  " + simulator.url() + ShopApiSimulator.ORDERS_PATH + "?page_size=100");
    out.println("  extract with: bin/pipeline orders_extract --orders-api " + simulator.url());
    out.println(
        "  more orders and updates: curl -X POST '"
            + simulator.url()
            + ShopApiSimulator.ADVANCE_PATH
            + "?orders=20&updates=30'");
    out.println("  stop with Ctrl-C");
    out.flush();
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** The simulator the options describe, not started yet. */
  static ShopApiSimulator simulator(Options o) {
    if (o.orders < 0) {
      throw new IllegalArgumentException("--orders must not be negative (got " + o.orders + ")");
    }
    if (o.faultRate < 0 || o.faultRate > 1) {
      throw new IllegalArgumentException(
          "--fault-rate must be in [0, 1] (got " + o.faultRate + ")");
    }
    Path products = o.products != null ? Path.of(o.products) : defaultProducts();
    if (!Files.isRegularFile(products)) {
      throw new IllegalArgumentException(
          "products file not found: " + products + " (pass --products FILE)");
    }
    ShopApiSimulator simulator = ShopApiSimulator.withCatalogue(o.seed, products, o.orders);
    simulator.faults().randomFaults(o.faultRate, o.seed).rateLimitPerSecond(o.rateLimit);
    if (o.token != null) {
      simulator.faults().requireToken(o.token);
    }
    return simulator;
  }

  /**
   * The simulator a local {@code bin/pipeline run} extracts from when no orders API is given: the
   * default seed and order count, no faults, so every local run sees the same orders.
   */
  public static ShopApiSimulator simulatorForLocalRun(String sourcesRoot) {
    Path products = Path.of(sourcesRoot, "products.csv.gz");
    Options defaults = new Options();
    return ShopApiSimulator.withCatalogue(
        defaults.seed,
        Files.isRegularFile(products) ? products : defaultProducts(),
        defaults.orders);
  }

  private static Path defaultProducts() {
    String home = System.getenv("LAKEHOUSE_HOME");
    return Path.of(home != null ? home : ".", "data/sample/completejourney/products.csv.gz");
  }
}
