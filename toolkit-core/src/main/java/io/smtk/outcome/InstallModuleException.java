package io.smtk.outcome;

import java.util.List;

/**
 * Thrown when {@code pip install .} fails for user code that is a Python package ({@code
 * setup.py}).
 */
public class InstallModuleException extends InstallException {

  private static final long serialVersionUID = 1L;

  public InstallModuleException(List<String> command, int exitCode, String errorText) {
    super("the user's package", "InstallModuleError", command, exitCode, errorText);
  }
}
