package io.smtk.environment;

import io.smtk.ToolkitException;

/**
 * Thrown when the job's configuration (a file under {@code input/config}, a hyperparameter or a
 * toolkit environment variable) is missing or malformed; the message names the file, key or value.
 */
public class InvalidTrainingConfigException extends ToolkitException {

  private static final long serialVersionUID = 1L;

  /** Exit status for bad configuration, as for a usage error (and a missing file's errno). */
  public static final int EXIT_CODE = 2;

  public InvalidTrainingConfigException(String message) {
    super(message);
  }

  public InvalidTrainingConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int exitCode() {
    return EXIT_CODE;
  }
}
