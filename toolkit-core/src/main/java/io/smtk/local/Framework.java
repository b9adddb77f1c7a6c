package io.smtk.local;

import java.util.Locale;
import java.util.Optional;

/** The framework image a local job imitates, by the {@code SAGEMAKER_TRAINING_MODULE} it sets. */
public enum Framework {
  /** BYOC script mode: no framework entry, the toolkit runs the entry point itself. */
  NONE(null),
  /** The SageMaker PyTorch images. */
  PYTORCH("sagemaker_pytorch_container.training:main"),
  /** The SageMaker TensorFlow images. */
  TENSORFLOW("sagemaker_tensorflow_container.training:main"),
  /** The SageMaker MXNet images. */
  MXNET("sagemaker_mxnet_container.training:main"),
  /** The SageMaker scikit-learn images. */
  SKLEARN("sagemaker_sklearn_container.training:main");

  private final String trainingModule;

  Framework(String trainingModule) {
    this.trainingModule = trainingModule;
  }

  /**
   * Returns the value the framework's images set in {@code SAGEMAKER_TRAINING_MODULE}.
   *
   * @return the module, or empty for BYOC script mode
   */
  public Optional<String> trainingModule() {
    return Optional.ofNullable(trainingModule);
  }

  /**
   * Returns the framework's name as typed on the command line.
   *
   * @return the lower-case name
   */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
