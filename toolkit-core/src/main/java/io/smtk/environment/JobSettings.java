package io.smtk.environment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.smtk.python.PythonNames;
import io.smtk.python.PythonRepr;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the job is told besides its three configuration files, resolved as the Python toolkit
 * resolves it from the {@code sagemaker_*} hyperparameters and the process environment: the entry
 * point and its module, where the code comes from, names, region, log level and what the machine
 * can launch.
 *
 * @param userEntryPoint {@code SAGEMAKER_PROGRAM}, else {@code sagemaker_program}, or null
 * @param moduleName the entry point without {@code .py} ({@code "None"} without one, as the
 *     reference)
 * @param moduleDir {@code sagemaker_submit_directory}, else the code directory
 * @param sagemakerRegion {@code sagemaker_region} as Python's {@code str()}, else the default
 *     region
 * @param sagemakerJobName {@code sagemaker_job_name} as Python's {@code str()}, or ""
 * @param s3Output {@code sagemaker_s3_output}, or null
 * @param logLevel {@code sagemaker_container_log_level} as given, else 20
 * @param trainingJobName {@code TRAINING_JOB_NAME}, or null
 * @param frameworkModule {@code SAGEMAKER_TRAINING_MODULE}, or null
 * @param modelParallelEnabled the reference's {@code is_modelparallel_enabled}: null, "" or a
 *     boolean
 * @param smddprunInstalled whether {@code smddprun} is on {@code PATH}
 * @param smddpmprunInstalled whether {@code smddpmprun} is on {@code PATH}
 */
public record JobSettings(
    String userEntryPoint,
    String moduleName,
    String moduleDir,
    String sagemakerRegion,
    String sagemakerJobName,
    String s3Output,
    JsonNode logLevel,
    String trainingJobName,
    String frameworkModule,
    JsonNode modelParallelEnabled,
    boolean smddprunInstalled,
    boolean smddpmprunInstalled) {

  public JobSettings {
    logLevel = logLevel.deepCopy();
    modelParallelEnabled = modelParallelEnabled.deepCopy();
  }

  /**
   * Resolves the settings.
   *
   * @param settings the toolkit's settings (its process environment)
   * @param parameters the framework parameters
   * @param codeDir the code directory, the default submit directory
   * @return the settings
   * @throws InvalidTrainingConfigException when a knob has the wrong type
   */
  static JobSettings resolve(ToolkitSettings settings, FrameworkParameters parameters, Path codeDir)
      throws InvalidTrainingConfigException {
    String entryPoint = settings.program().orElse(null);
    if (entryPoint == null || entryPoint.isEmpty()) {
      entryPoint = parameters.get(FrameworkParameters.PROGRAM);
    }
    // The reference's str(None) when no program is given.
    String moduleName = entryPoint == null ? "None" : PythonNames.moduleName(entryPoint);
    // A JSON null is str(None), as the reference writes it.
    String none = PythonRepr.str(NullNode.getInstance());
    return new JobSettings(
        entryPoint,
        moduleName,
        parameters.find(FrameworkParameters.SUBMIT_DIRECTORY).orElse(codeDir.toString()),
        parameters.has(FrameworkParameters.REGION)
            ? parameters.find(FrameworkParameters.REGION).orElse(none)
            : settings.defaultRegion().orElse(""),
        parameters.has(FrameworkParameters.JOB_NAME)
            ? parameters.find(FrameworkParameters.JOB_NAME).orElse(none)
            : "",
        parameters.get(FrameworkParameters.S3_OUTPUT),
        parameters.find(FrameworkParameters.CONTAINER_LOG_LEVEL).orElse(IntNode.valueOf(20)),
        settings.trainingJobName().orElse(null),
        settings.get("SAGEMAKER_TRAINING_MODULE").orElse(null),
        modelParallel(settings),
        settings.which("smddprun").isPresent(),
        settings.which("smddpmprun").isPresent());
  }

  private static JsonNode modelParallel(ToolkitSettings settings) {
    String parameters = settings.modelParallelParameters().orElse(null);
    if (parameters == null) {
      return NullNode.getInstance();
    }
    if (parameters.isEmpty()) {
      return TextNode.valueOf("");
    }
    return BooleanNode.valueOf(ModelParallel.isEnabled(parameters));
  }

  @Override
  public JsonNode logLevel() {
    return logLevel.deepCopy();
  }

  @Override
  public JsonNode modelParallelEnabled() {
    return modelParallelEnabled.deepCopy();
  }

  /**
   * Returns the user's entry point.
   *
   * @return it, or empty when neither {@code SAGEMAKER_PROGRAM} nor {@code sagemaker_program} names
   *     one
   */
  public Optional<String> entryPoint() {
    return Optional.ofNullable(userEntryPoint);
  }
}
