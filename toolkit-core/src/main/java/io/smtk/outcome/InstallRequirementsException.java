package io.smtk.outcome;

import java.util.List;

/** Thrown when {@code pip install -r requirements.txt} fails for the user's code. */
public class InstallRequirementsException extends InstallException {

  private static final long serialVersionUID = 1L;

  public InstallRequirementsException(List<String> command, int exitCode, String errorText) {
    super("the requirements", "InstallRequirementsError", command, exitCode, errorText);
  }
}
