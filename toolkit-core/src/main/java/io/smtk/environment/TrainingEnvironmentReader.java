package io.smtk.environment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads a {@link TrainingEnvironment} from the SageMaker base directory and the process settings.
 */
public final class TrainingEnvironmentReader {

  /** The hardware to report, or null to detect it. */
  private final Hardware fixedHardware;

  private TrainingEnvironmentReader(Hardware fixedHardware) {
    this.fixedHardware = fixedHardware;
  }

  /**
   * Returns a reader that detects the real hardware.
   *
   * @return the reader
   */
  public static TrainingEnvironmentReader create() {
    return new TrainingEnvironmentReader(null);
  }

  /**
   * Returns a reader that reports the given hardware instead of detecting it (tests).
   *
   * @param hardware the hardware to report
   * @return the reader
   */
  public static TrainingEnvironmentReader withHardware(Hardware hardware) {
    return new TrainingEnvironmentReader(Objects.requireNonNull(hardware, "hardware"));
  }

  /**
   * Reads the three configuration files under {@code <base>/input/config} and the settings.
   *
   * @param settings the toolkit's settings (base directory, {@code SAGEMAKER_PROGRAM}, ...)
   * @return the environment
   * @throws InvalidTrainingConfigException when a file is missing or malformed, or a value has the
   *     wrong type; the message names the file and key
   */
  public TrainingEnvironment read(ToolkitSettings settings) throws InvalidTrainingConfigException {
    return read(settings, null, null, null);
  }

  /**
   * Reads the environment as {@link #read(ToolkitSettings)} does, with some configuration given
   * instead of read from its file (the Python API's {@code Environment(resource_config=..., ...)}).
   *
   * @param settings the toolkit's settings
   * @param givenResourceConfig used instead of {@code resourceconfig.json}, or null
   * @param givenInputDataConfig used instead of {@code inputdataconfig.json}, or null
   * @param givenHyperparameters decoded hyperparameters used instead of {@code
   *     hyperparameters.json}, or null
   * @return the environment
   * @throws InvalidTrainingConfigException when a file or value is missing or malformed
   */
  public TrainingEnvironment read(
      ToolkitSettings settings,
      ObjectNode givenResourceConfig,
      ObjectNode givenInputDataConfig,
      ObjectNode givenHyperparameters)
      throws InvalidTrainingConfigException {
    Path baseDir = settings.baseDir();
    if (!Files.isDirectory(baseDir)) {
      throw new InvalidTrainingConfigException(
          "SageMaker base directory "
              + baseDir
              + " does not exist"
              + (settings.baseDirConfigured()
                  ? " (from SAGEMAKER_BASE_DIR)"
                  : "; set SAGEMAKER_BASE_DIR, or use 'smtk local' to run a job on this machine"));
    }
    Path configDir = baseDir.resolve("input").resolve("config");
    Path resourceFile = configDir.resolve("resourceconfig.json");
    Path inputDataFile = configDir.resolve("inputdataconfig.json");
    Path hyperparameterFile = configDir.resolve("hyperparameters.json");

    ResourceConfig resources =
        ResourceConfig.read(
            givenResourceConfig != null
                ? givenResourceConfig
                : ConfigFiles.readObject(resourceFile),
            resourceFile);
    InputDataConfig inputData =
        InputDataConfig.read(
            givenInputDataConfig != null
                ? givenInputDataConfig
                : ConfigFiles.readObject(inputDataFile),
            inputDataFile,
            baseDir.resolve("input").resolve("data"));
    Hyperparameters parameters =
        Hyperparameters.split(
            givenHyperparameters != null
                ? givenHyperparameters
                : Hyperparameters.decode(ConfigFiles.readObject(hyperparameterFile)),
            hyperparameterFile.toString());
    return new TrainingEnvironment(
        baseDir,
        resources,
        inputData,
        parameters,
        Distribution.of(resources, parameters.framework()),
        fixedHardware != null
            ? fixedHardware
            : Hardware.detect(settings, resources.currentInstanceType()),
        JobSettings.resolve(settings, parameters.framework(), baseDir.resolve("code")));
  }
}
