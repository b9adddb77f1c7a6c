package io.smtk.local;

import java.util.Locale;
import java.util.Optional;

/** The framework image a local job imitates, by the {@code SAGEMAKER_TRAINING_MODULE} it sets. */
public enum Framework {
  /** BYOC script mode: no framework entry, the toolkit runs the entry point itself. */
  NONE(null, null, null, null),
  /** The SageMaker PyTorch images. */
  PYTORCH("sagemaker_pytorch_container.training:main", "torch", "torch", "python3-torch"),
  /** The SageMaker TensorFlow images. */
  TENSORFLOW("sagemaker_tensorflow_container.training:main", "tensorflow", "tensorflow", null),
  /** The SageMaker MXNet images. */
  MXNET("sagemaker_mxnet_container.training:main", "mxnet", "mxnet", null),
  /** The SageMaker scikit-learn images. */
  SKLEARN(
      "sagemaker_sklearn_container.training:main", "sklearn", "scikit-learn", "python3-sklearn");

  private final String trainingModule;
  private final String pythonModule;
  private final String pipPackage;
  private final String debianPackage;

  Framework(String trainingModule, String pythonModule, String pipPackage, String debianPackage) {
    this.trainingModule = trainingModule;
    this.pythonModule = pythonModule;
    this.pipPackage = pipPackage;
    this.debianPackage = debianPackage;
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
   * Returns the Python module the framework's images have and its users' scripts import.
   *
   * @return the module ({@code sklearn}, {@code torch}, ...), or empty for BYOC script mode
   */
  public Optional<String> pythonModule() {
    return Optional.ofNullable(pythonModule);
  }

  /**
   * Returns how to install the framework's Python module: the Debian package where Debian has one,
   * and the pip package.
   *
   * @return e.g. {@code apt-get install python3-sklearn (Debian, as root) or pip install
   *     scikit-learn}; empty for BYOC script mode
   */
  public String installHint() {
    if (pipPackage == null) {
      return "";
    }
    return (debianPackage == null
            ? ""
            : "apt-get install " + debianPackage + " (Debian, as root) or ")
        + "pip install "
        + pipPackage;
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
