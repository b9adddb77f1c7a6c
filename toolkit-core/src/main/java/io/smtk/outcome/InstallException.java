package io.smtk.outcome;

import io.smtk.process.CommandLine;
import java.util.List;

/**
 * Thrown when a {@code pip install} the toolkit ran for the user's code failed; the subclasses say
 * which one.
 */
public abstract class InstallException extends CalledProcessException {

  private static final long serialVersionUID = 1L;

  private final String errorName;

  /**
   * Creates the exception.
   *
   * @param what what was being installed, e.g. {@code the requirements}
   * @param errorName the Python toolkit's error class name
   * @param command the pip command
   * @param exitCode its exit status
   * @param errorText its error text
   */
  protected InstallException(
      String what, String errorName, List<String> command, int exitCode, String errorText) {
    super(
        "Installing "
            + what
            + " with "
            + CommandLine.render(command)
            + " failed with exit code "
            + exitCode,
        command,
        exitCode,
        errorText,
        null);
    this.errorName = errorName;
  }

  @Override
  public String errorName() {
    return errorName;
  }
}
