package com.retail.lakehouse.common;

/**
 * A failure while running that its message explains in full (a database that stays down, a refused
 * login, a stage another run holds, a source file that cannot be read): reported as that one line,
 * with exit code 1. Problems with the arguments or the configuration are {@link UserError}s (exit
 * code 2).
 */
public class RunFailure extends RuntimeException {
  public RunFailure(String message) {
    super(message);
  }

  public RunFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
