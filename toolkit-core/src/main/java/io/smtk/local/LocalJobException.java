package io.smtk.local;

import io.smtk.ToolkitException;

/**
 * Thrown when a local job cannot be set up or run: bad input (a missing channel folder, a malformed
 * {@code KEY=VALUE}, a missing entry point or image) or a failure of {@code smtk local} itself.
 */
public final class LocalJobException extends ToolkitException {

  private static final long serialVersionUID = 1L;

  /** Exit status for bad input, as picocli uses for usage errors. */
  public static final int USAGE_EXIT_CODE = 2;

  private final int exitCode;

  private LocalJobException(String message, Throwable cause, int exitCode) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /**
   * Creates the exception for bad input: exit status 2.
   *
   * @param message one line that names the value
   * @return the exception
   */
  public static LocalJobException usage(String message) {
    return new LocalJobException(message, null, USAGE_EXIT_CODE);
  }

  /**
   * Creates the exception for a failure of {@code smtk local} itself: exit status 1.
   *
   * @param message what failed
   * @param cause the cause, or null
   * @return the exception
   */
  public static LocalJobException failed(String message, Throwable cause) {
    return new LocalJobException(message, cause, DEFAULT_EXIT_CODE);
  }

  @Override
  public int exitCode() {
    return exitCode;
  }
}
