package io.smtk.outcome;

import io.smtk.process.CommandLine;
import java.util.List;

/** Thrown when {@code pip install -r requirements.txt} fails for the user's code. */
public class InstallRequirementsException extends CalledProcessException {

  private static final long serialVersionUID = 1L;

  public InstallRequirementsException(List<String> command, int exitCode, String errorText) {
    super(
        "Installing the requirements with "
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
    return "InstallRequirementsError";
  }
}
