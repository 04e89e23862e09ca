package com.retail.lakehouse.jobs.generate;

import com.retail.lakehouse.common.UserError;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.kohsuke.args4j.Option;

/** The arguments of the generator, checked before Spark starts. */
public final class GenerateOptions {
  /** The longest run: ten years of days. */
  static final int MAX_DAYS = 3660;

  @Option(name = "--households", metaVar = "H", required = true, usage = "households simulated")
  public long households;

  @Option(
      name = "--days",
      metaVar = "D",
      required = true,
      usage = "days, one transactions file each")
  public int days;

  @Option(
      name = "--seed",
      metaVar = "S",
      required = true,
      usage = "seed: same arguments, same bytes")
  public long seed;

  @Option(name = "--out", metaVar = "DIR", required = true, usage = "landing directory to create")
  public String out;

  @Option(name = "--start", metaVar = "YYYY-MM-DD", usage = "first day")
  public String start = "2017-01-01";

  @Option(
      name = "--bad-share",
      metaVar = "P",
      usage = "share of transaction lines that are bad, in [0, 0.5]")
  public double badShare = 0.001;

  @Option(
      name = "--calibration",
      metaVar = "DIR",
      usage = "Complete Journey sample to calibrate on (default: the shipped sample)")
  public String calibration;

  @Option(name = "--help", aliases = "-h", help = true, usage = "show this help")
  public boolean help;

  /** Checks every option; a bad value is a {@link UserError}. */
  public void validate() {
    plan();
  }

  /** The plan these options describe; a bad value is a {@link UserError}. */
  Model.Plan plan() {
    if (households < 1 || households > 100_000_000L) {
      throw new UserError("--households must be in [1, 100000000] (got " + households + ")");
    }
    if (days < 1 || days > MAX_DAYS) {
      throw new UserError("--days must be in [1, " + MAX_DAYS + "] (got " + days + ")");
    }
    if (!(badShare >= 0 && badShare <= 0.5)) {
      throw new UserError("--bad-share must be in [0, 0.5] (got " + badShare + ")");
    }
    if (out == null || out.isBlank()) {
      throw new UserError("--out DIR is required");
    }
    try {
      return new Model.Plan(seed, households, days, LocalDate.parse(start), badShare);
    } catch (DateTimeParseException e) {
      throw new UserError("--start must be YYYY-MM-DD (got '" + start + "')");
    }
  }

  /** The calibration sample: --calibration, else the shipped sample under LAKEHOUSE_HOME. */
  public String calibrationDir() {
    if (calibration != null) {
      return calibration;
    }
    String home = System.getenv("LAKEHOUSE_HOME");
    return (home != null ? home + "/" : "") + "data/sample/completejourney";
  }
}
