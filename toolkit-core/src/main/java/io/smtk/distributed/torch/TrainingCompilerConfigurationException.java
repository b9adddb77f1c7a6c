package io.smtk.distributed.torch;

import io.smtk.distributed.cluster.LaunchConfigurationException;

/**
 * Thrown when a PyTorch XLA (SageMaker Training Compiler) launch is impossible on this host or for
 * this entry point; it stands for the Python toolkit's {@code
 * SMTrainingCompilerConfigurationError}.
 */
public class TrainingCompilerConfigurationException extends LaunchConfigurationException {

  private static final long serialVersionUID = 1L;

  public TrainingCompilerConfigurationException(String message) {
    super(message);
  }
}
