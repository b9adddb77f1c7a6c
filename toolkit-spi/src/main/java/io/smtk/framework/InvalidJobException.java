package io.smtk.framework;

import io.smtk.ToolkitException;

/**
 * Thrown by a framework entry when the job's configuration does not fit the framework (e.g.
 * parameter servers outside a distribution group); the toolkit exits 2, as for any bad
 * configuration.
 */
public class InvalidJobException extends ToolkitException {

  private static final long serialVersionUID = 1L;

  public InvalidJobException(String message) {
    super(message);
  }

  @Override
  public int exitCode() {
    return 2;
  }
}
