package com.retail.lakehouse.jobs.local;

import com.retail.lakehouse.common.UserError;
import java.io.PrintStream;
import org.kohsuke.args4j.CmdLineException;
import org.kohsuke.args4j.CmdLineParser;

/** Where a command prints, and the option parsing every command shares. */
public record Console(PrintStream out, PrintStream err) {

  /** Parses {@code args} into {@code options}; a bad option is a usage error naming the command. */
  public <T> T parse(T options, String[] args, String command) {
    try {
      new CmdLineParser(options).parseArgument(args);
    } catch (CmdLineException e) {
      throw new UserError(e.getMessage() + " (see bin/pipeline " + command + " --help)");
    }
    return options;
  }

  /** Prints the usage of a command and its options when {@code help} is set; returns help. */
  public boolean help(Object options, String synopsis, boolean help) {
    if (help) {
      out.println("usage: bin/pipeline " + synopsis);
      new CmdLineParser(options).printUsage(out);
    }
    return help;
  }
}
