package com.retail.lakehouse.jobs.local;

/** One subcommand of {@code bin/pipeline}. */
public interface Command {
  /** The word that selects it on the command line. */
  String name();

  /** What it does, for the usage text (one or two short lines). */
  String summary();

  /**
   * Runs it; returns the exit code. A {@link com.retail.lakehouse.common.UserError} thrown here is
   * a usage error (exit 2), any other exception a failure (exit 1).
   */
  int run(String[] args, Console console) throws Exception;
}
