package io.smtk.training;

import io.smtk.ToolkitException;
import io.smtk.environment.InvalidTrainingConfigException;
import io.smtk.environment.ToolkitSettings;
import io.smtk.environment.TrainingEnvironmentReader;
import io.smtk.outcome.FrameworkModuleException;
import io.smtk.process.ProcessResult;
import io.smtk.pythonapi.ApiServer;
import io.smtk.pythonapi.PythonApi;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Runs a Python framework module ({@code SAGEMAKER_TRAINING_MODULE=<module>:<function>} that names
 * no smtk entry) with the job's Python, as the Python toolkit's trainer imports and calls it; its
 * {@code entry_point.run} calls come back to this toolkit over the Python API socket.
 */
final class PythonFrameworkModule {

  /** {@code package.module:function}, as the Python toolkit splits it. */
  private static final Pattern MODULE_FUNCTION =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*");

  private static final String BOOTSTRAP =
      "import sys; from sagemaker_training import _framework; sys.exit(_framework.main())";

  private final String value;

  private PythonFrameworkModule(String value) {
    this.value = value;
  }

  /**
   * Returns the module a {@code SAGEMAKER_TRAINING_MODULE} value names, if it has the Python form.
   *
   * @param value the value
   * @return the module, or empty
   */
  static Optional<PythonFrameworkModule> named(String value) {
    String name = value.strip();
    return MODULE_FUNCTION.matcher(name).matches()
        ? Optional.of(new PythonFrameworkModule(name))
        : Optional.empty();
  }

  /**
   * Runs the module to its end.
   *
   * @param job the job
   * @param reader reads the environment again when the module passes configuration of its own
   * @param settings the toolkit's settings
   * @param ownEntries the values that select smtk's own entries, named when the module cannot be
   *     imported
   * @throws ToolkitException when the module fails (its own error, or the user script's it let
   *     through)
   */
  void run(
      JobContext job,
      TrainingEnvironmentReader reader,
      ToolkitSettings settings,
      List<String> ownEntries)
      throws ToolkitException {
    if (PythonApi.packageRoot().isEmpty()) {
      throw new InvalidTrainingConfigException(
          "SAGEMAKER_TRAINING_MODULE="
              + value
              + " names a Python module, but "
              + "smtk's Python package "
              + PythonApi.PACKAGE
              + " is not installed beside the toolkit");
    }
    PythonApiRequests requests = new PythonApiRequests(job, reader, settings);
    ProcessResult result;
    try (ApiServer server = ApiServer.start(requests)) {
      // The module is imported from the toolkit's own path (site-packages, PYTHONPATH), not the
      // code folder.
      Map<String, String> variables = new LinkedHashMap<>(job.frameworkEnvironment());
      variables.put(PythonApi.SOCKET_VARIABLE, server.socket().toString());
      List<String> command = List.of(job.python(), "-c", BOOTSTRAP, value);
      job.log().info("Running the Python framework module " + value);
      result = job.runFrameworkProcess(command, Path.of("").toAbsolutePath(), variables);
    } catch (IOException e) {
      throw new ToolkitException(
          "Cannot open the Python API socket for " + value + ": " + e.getMessage(), e);
    }
    if (result.exitCode() == 0) {
      return;
    }
    Optional<PythonApiRequests.FrameworkFailure> reported = requests.frameworkFailure();
    if (reported.isPresent()) {
      PythonApiRequests.FrameworkFailure failure = reported.get();
      Optional<ToolkitException> original = requests.failure(failure.failureId());
      if (original.isPresent()) {
        // The module let the user script's failure (or a stop) through: report it as the toolkit
        // saw it.
        throw original.get();
      }
      if ("configuration".equals(failure.kind())) {
        // A mistyped smtk entry lands here too: name the valid values as for an unknown Java entry.
        throw new InvalidTrainingConfigException(
            failure.text()
                + "; valid values of smtk's own entries: "
                + String.join(", ", ownEntries));
      }
      throw new FrameworkModuleException(
          failure.text(), "exit".equals(failure.kind()) ? failure.exitCode() : result.exitCode());
    }
    String error = result.errorText().isBlank() ? "" : ":\n" + result.errorText();
    throw new FrameworkModuleException(
        "The Python framework module " + value + " exited with code " + result.exitCode() + error,
        result.exitCode());
  }
}
