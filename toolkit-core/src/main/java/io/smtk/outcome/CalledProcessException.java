package io.smtk.outcome;

import io.smtk.ToolkitException;
import java.util.List;
import java.util.Optional;

/**
 * Thrown when a process the toolkit ran for the job (the user's entry point, pip) failed; its
 * failure reason keeps the Python toolkit's layout ({@code ExecuteUserScriptError:\nExitCode
 * 1\n...}) so that tools reading failure reasons keep working, and adds the error text the Python
 * toolkit loses.
 */
public abstract class CalledProcessException extends ToolkitException {

  private static final long serialVersionUID = 1L;

  private final List<String> command;
  private final int processExitCode;
  private final String errorText;
  private final String extraInfo;

  protected CalledProcessException(
      String message,
      List<String> command,
      int processExitCode,
      String errorText,
      String extraInfo) {
    super(message);
    this.command = List.copyOf(command);
    this.processExitCode = processExitCode;
    this.errorText = errorText == null ? "" : errorText;
    this.extraInfo = extraInfo;
  }

  /**
   * Returns the name the failure reason starts with, the Python toolkit's error class name.
   *
   * @return for example {@code ExecuteUserScriptError}
   */
  public abstract String errorName();

  /**
   * Returns the command that failed.
   *
   * @return the argument list
   */
  public List<String> command() {
    return command;
  }

  /**
   * Returns the failed process's exit status (128 + N when signal N ended it).
   *
   * @return the status
   */
  public int processExitCode() {
    return processExitCode;
  }

  /**
   * Returns what the process printed about its failure (the traceback tail).
   *
   * @return the text, possibly empty
   */
  public String errorText() {
    return errorText;
  }

  /**
   * Returns the extra hint, such as the out-of-memory hint for SIGKILL.
   *
   * @return the hint, or empty
   */
  public Optional<String> extraInfo() {
    return Optional.ofNullable(extraInfo);
  }

  @Override
  public String failureReason() {
    return FailureReport.calledProcess(errorName(), processExitCode, errorText, extraInfo, command);
  }

  /**
   * Returns the hint for an exit status, as the Python toolkit gives for 137.
   *
   * @param exitCode the process's exit status
   * @return the hint, or null
   */
  public static String extraInfoFor(int exitCode) {
    return exitCode == 137 ? "OutOfMemory: Process killed by SIGKILL (signal 9)" : null;
  }
}
