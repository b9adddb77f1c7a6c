package io.smtk.distributed.torch;

import io.smtk.ToolkitException;
import io.smtk.distributed.cluster.JobProcesses;
import io.smtk.distributed.cluster.LaunchPlan;
import io.smtk.launch.UserLaunch;
import io.smtk.logging.ToolkitLog;
import io.smtk.outcome.ExecuteUserScriptException;
import io.smtk.process.CommandLine;
import io.smtk.process.ProcessResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs PyTorch XLA's {@code xla_spawn} on this host (spec section 18.6), after the reference's
 * checks.
 */
public final class PyTorchXlaRunner {

  /** Exits 3 without torch_xla and 4 without its SageMaker launcher, so one process checks both. */
  static final String IMPORT_CHECK =
      """
      import sys
      try:
          import torch_xla
      except ImportError:
          sys.exit(3)
      try:
          import torch_xla.distributed.xla_spawn
      except ImportError:
          sys.exit(4)""";

  private PyTorchXlaRunner() {}

  public static void run(LaunchPlan plan, ToolkitLog log, UserLaunch launch, JobProcesses processes)
      throws ToolkitException {
    // The pure checks first (GPUs, entry point), as the reference's _check_compatibility.
    List<String> command = PyTorchXlaCommand.build(plan);
    Map<String, String> environment = new LinkedHashMap<>(launch.environment());
    environment.putAll(PyTorchXlaCommand.environment(plan));
    ProcessResult check =
        processes.run(
            List.of(plan.python(), "-c", IMPORT_CHECK),
            launch.codeDir(),
            launch.environment(),
            null);
    if (check.exitCode() == 3) {
      throw new TrainingCompilerConfigurationException(
          "Unable to find PT-XLA in the execution environment. "
              + "This distribution mechanism requires PT-XLA to be available in the execution environment. "
              + "SageMaker Training Compiler provides ready-to-use containers with PT-XLA.");
    }
    if (check.exitCode() != 0) {
      throw new TrainingCompilerConfigurationException(
          "Unable to find SageMaker integration code in PT-XLA. "
              + "AWS SageMaker adds custom code on top of open source PT-XLA to provide platform specific "
              + "optimizations. These SageMaker specific binaries are shipped as part of our Deep Learning "
              + "Containers. Please refer to https://github.com/aws/deep-learning-containers/blob/master/"
              + "available_images.md");
    }
    log.info(
        "Invoking script with the following command:\n\n" + CommandLine.render(command) + "\n");
    ProcessResult result = processes.run(command, launch.codeDir(), environment, null);
    if (result.exitCode() != 0) {
      throw new ExecuteUserScriptException(command, result.exitCode(), result.errorText());
    }
  }
}
