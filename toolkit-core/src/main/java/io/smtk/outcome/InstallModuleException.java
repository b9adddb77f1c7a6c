package io.smtk.outcome;

import io.smtk.process.CommandLine;
import java.util.List;

/**
 * Thrown when {@code pip install .} fails for user code that is a Python package ({@code
 * setup.py}).
 */
public class InstallModuleException extends CalledProcessException {

  private static final long serialVersionUID = 1L;

  public InstallModuleException(List<String> command, int exitCode, String errorText) {
    super(
        "Installing the user's package with "
            + CommandLine.render(command)
            + " failed with exit code "
            + exitCode,
        command,
        exitCode,
        errorText,
        null);
  }

  @Override
  public String errorName() {
    return "InstallModuleError";
  }
}
