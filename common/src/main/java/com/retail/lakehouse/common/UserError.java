package com.retail.lakehouse.common;

/**
 * A problem the user can fix (bad argument, missing source, unreachable database): reported as one
 * line with no stack trace and a non-zero exit code.
 */
public class UserError extends RuntimeException {
  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }
}
