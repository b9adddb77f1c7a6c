package io.smtk.distributed.torch;

import io.smtk.distributed.cluster.LaunchConfigurationException;
import io.smtk.launch.EntryPoint;

/**
 * Thrown when a launcher cannot run the job's kind of entry point, for example torchrun with a
 * Python package; the Python toolkit raises a {@code ClientError} with the same text.
 */
public class UnsupportedEntryPointException extends LaunchConfigurationException {

  private static final long serialVersionUID = 1L;

  private final EntryPoint.Type entryPointType;

  /**
   * Creates the exception.
   *
   * @param entryPointType the entry point type that was refused
   * @param message the user-facing message, kept identical to the Python toolkit's
   */
  public UnsupportedEntryPointException(EntryPoint.Type entryPointType, String message) {
    super(message);
    this.entryPointType = entryPointType;
  }

  /**
   * Returns the entry point type that was refused.
   *
   * @return the type
   */
  public EntryPoint.Type entryPointType() {
    return entryPointType;
  }
}
