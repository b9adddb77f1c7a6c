package io.smtk.distributed.mpi;

import io.smtk.distributed.cluster.LaunchConfigurationException;

/**
 * Thrown when the custom MPI options hyperparameter cannot be used, for example {@code
 * --NCCL_DEBUG} without a value or {@code -h}; where the Python toolkit's argparse ended the
 * process, this names the option.
 */
public class InvalidMpiOptionsException extends LaunchConfigurationException {

  private static final long serialVersionUID = 1L;

  private final String option;

  /**
   * Creates the exception.
   *
   * @param option the offending token as the user wrote it
   * @param customMpiOptions the whole custom options string, quoted in the message
   * @param reason what is wrong with the option
   */
  public InvalidMpiOptionsException(String option, String customMpiOptions, String reason) {
    super("Invalid custom MPI option '" + option + "' in \"" + customMpiOptions + "\": " + reason);
    this.option = option;
  }

  /**
   * Returns the offending option token.
   *
   * @return the token as the user wrote it
   */
  public String option() {
    return option;
  }
}
