package io.smtk.distributed.cluster;

import io.smtk.ToolkitException;

/**
 * Thrown when a distributed launch command cannot be built from the job's configuration (hosts,
 * hyperparameters, entry point); the message names the offending setting and its value.
 */
public class LaunchConfigurationException extends ToolkitException {

  private static final long serialVersionUID = 1L;

  public LaunchConfigurationException(String message) {
    super(message);
  }

  public LaunchConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
