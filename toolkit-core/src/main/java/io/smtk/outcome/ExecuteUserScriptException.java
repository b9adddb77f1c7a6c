package io.smtk.outcome;

import io.smtk.process.CommandLine;
import io.smtk.framework.UserScriptFailure;
import java.util.List;

/**
 * Thrown when the user's entry point exits non-zero; the toolkit then exits with the same status, so
 * the platform sees what the script returned.
 */
public class ExecuteUserScriptException extends CalledProcessException implements UserScriptFailure {

  private static final long serialVersionUID = 1L;

  public ExecuteUserScriptException(List<String> command, int exitCode, String errorText) {
    super("User script " + CommandLine.render(command) + " exited with code " + exitCode,
        command, exitCode, errorText, extraInfoFor(exitCode));
  }

  @Override
  public String errorName() {
    return "ExecuteUserScriptError";
  }

  @Override
  public int exitCode() {
    return processExitCode() > 0 && processExitCode() < 256 ? processExitCode() : 1;
  }
}
