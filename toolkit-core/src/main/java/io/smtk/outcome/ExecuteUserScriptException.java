package io.smtk.outcome;

import io.smtk.framework.UserScriptFailure;
import io.smtk.process.CommandLine;
import java.util.List;

/**
 * Thrown when the user's entry point exits non-zero; the toolkit then exits with the same status,
 * so the platform sees what the script returned.
 */
public class ExecuteUserScriptException extends CalledProcessException
    implements UserScriptFailure {

  private static final long serialVersionUID = 1L;

  public ExecuteUserScriptException(List<String> command, int exitCode, String errorText) {
    this(
        "User script " + CommandLine.render(command) + " exited with code " + exitCode,
        command,
        exitCode,
        errorText,
        extraInfoFor(exitCode));
  }

  /**
   * Creates the exception for a launcher whose failure says more than the exit status (mpirun).
   *
   * @param message the message
   * @param command the command that failed
   * @param exitCode its exit status
   * @param errorText the failing process's error text
   * @param extraInfo the hint after the error text, or null
   */
  protected ExecuteUserScriptException(
      String message, List<String> command, int exitCode, String errorText, String extraInfo) {
    super(message, command, exitCode, errorText, extraInfo);
  }

  @Override
  public String errorName() {
    return "ExecuteUserScriptError";
  }

  @Override
  public int exitCode() {
    return exitCodeOf(processExitCode());
  }
}
