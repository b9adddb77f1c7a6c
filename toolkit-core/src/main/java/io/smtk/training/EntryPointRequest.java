package io.smtk.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smtk.environment.TrainingEnvironment;
import io.smtk.framework.RunnerType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to run as the user's entry point and how: the job's own (script mode, a Java framework
 * entry) or what the Python API's {@code entry_point.run} asked for, whose empty parts fall back to
 * the job's.
 *
 * @param uri where the code comes from, or empty for the job's submit directory
 * @param userEntryPoint the entry point, or empty for the job's
 * @param arguments its arguments, or empty for the job's hyperparameters as arguments
 * @param baseEnvironment the environment the user's variables are added to (the calling Python
 *     process's), or empty for the toolkit's own
 * @param extraVariables variables added on top of the contract's (they win)
 * @param runner the runner
 * @param frameworkOverrides {@code sagemaker_*} options that win over the hyperparameters ({@code
 *     extra_opts}); only truthy values count, as in the Python toolkit
 */
record EntryPointRequest(
    Optional<String> uri,
    Optional<String> userEntryPoint,
    List<String> arguments,
    Optional<Map<String, String>> baseEnvironment,
    Map<String, String> extraVariables,
    RunnerType runner,
    Optional<ObjectNode> frameworkOverrides) {

  EntryPointRequest {
    arguments = List.copyOf(arguments);
    // Conditionals rather than Optional.map with lambdas: every job builds a request at start-up.
    if (baseEnvironment.isPresent()) {
      baseEnvironment =
          Optional.of(Collections.unmodifiableMap(new LinkedHashMap<>(baseEnvironment.get())));
    }
    extraVariables = Collections.unmodifiableMap(new LinkedHashMap<>(extraVariables));
    if (frameworkOverrides.isPresent()) {
      frameworkOverrides = Optional.of(frameworkOverrides.get().deepCopy());
    }
  }

  /**
   * Returns the job's own entry point with a runner and the framework's variables.
   *
   * @param runner the runner
   * @param extraVariables the framework's additions
   * @return the request
   */
  static EntryPointRequest ofJob(RunnerType runner, Map<String, String> extraVariables) {
    return new EntryPointRequest(
        Optional.empty(),
        Optional.empty(),
        List.of(),
        Optional.empty(),
        extraVariables,
        runner,
        Optional.empty());
  }

  /**
   * Returns the environment the runner sees: the job's, with the framework overrides applied.
   *
   * @param environment the job's environment
   * @return the environment to launch with
   */
  TrainingEnvironment applyTo(TrainingEnvironment environment) {
    if (frameworkOverrides.isEmpty()) {
      return environment;
    }
    return environment.withFrameworkParameters(
        environment.frameworkParameters().withOverrides(frameworkOverrides.get()));
  }
}
