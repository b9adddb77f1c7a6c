package io.smtk.pytorch;

import io.smtk.ToolkitException;
import io.smtk.framework.Feature;
import io.smtk.framework.FrameworkEntry;
import io.smtk.framework.Job;
import io.smtk.framework.RunnerType;
import io.smtk.framework.TrainingContext;
import io.smtk.framework.UserScriptFailure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch training entry: NCCL and {@code MASTER_ADDR}/{@code MASTER_PORT} for the user's
 * processes, and the runner the job's distribution asks for (MPI, SMDDP, torchrun, PT-XLA), as the
 * SageMaker PyTorch container does.
 */
public final class PyTorchTraining implements FrameworkEntry {

  /** The value the SageMaker PyTorch images set in {@code SAGEMAKER_TRAINING_MODULE}. */
  public static final String MODULE = "sagemaker_pytorch_container.training:main";

  /** The port of the rank-0 process group store. */
  public static final int MASTER_PORT = 7777;

  /**
   * What torch's gloo backend prints when a peer closes at shutdown; the job's work is done by
   * then, so the Python container reports success, and so do we.
   */
  static final String GLOO_SHUTDOWN_MESSAGE =
      "terminate called after throwing an instance of 'gloo::EnforceNotMet'";

  @Override
  public List<String> names() {
    return List.of(MODULE);
  }

  @Override
  public void train(TrainingContext context) throws ToolkitException {
    Job job = context.job();
    RunnerType runner = runner(job);
    Map<String, String> variables = variables(job, runner);
    torchVersion(context).ifPresent(version -> variables.put("SM_DLC_TORCH_VERSION", version));
    context
        .log()
        .info(
            "PyTorch training: runner "
                + runner
                + ", hosts "
                + job.hosts()
                + ", master "
                + job.masterHostname()
                + ", distribution groups "
                + job.distributionInstanceGroups()
                + ", GPUs "
                + job.numGpus()
                + ", variables "
                + variables);
    try {
      context.runUserEntryPoint(runner, variables);
    } catch (ToolkitException e) {
      if (e instanceof UserScriptFailure failure
          && failure.errorText().contains(GLOO_SHUTDOWN_MESSAGE)) {
        context
            .log()
            .warning(
                "Known exception: "
                    + GLOO_SHUTDOWN_MESSAGE
                    + " (gloo at shutdown); "
                    + "reporting success as the SageMaker PyTorch container does");
        return;
      }
      throw e;
    }
  }

  /**
   * Chooses the runner as the PyTorch container does (spec section 19.1): a plain process unless
   * this host's instance group takes part in distribution; then the first feature on of MPI,
   * PyTorch DDP (run by SMDDP, sic), torch distributed, SMDDP and PT-XLA.
   *
   * @param job the job
   * @return the runner
   */
  static RunnerType runner(Job job) {
    if (!job.inDistribution()) {
      return RunnerType.PROCESS;
    }
    if (job.has(Feature.MPI)) {
      return RunnerType.MPI;
    } else if (job.has(Feature.PYTORCH_DDP)) {
      return RunnerType.SMDDP;
    } else if (job.has(Feature.TORCH_DISTRIBUTED)) {
      return RunnerType.TORCH_DISTRIBUTED;
    } else if (job.has(Feature.SMDDP)) {
      return RunnerType.SMDDP;
    } else if (job.has(Feature.PYTORCH_XLA)) {
      return RunnerType.PYTORCH_XLA;
    }
    return RunnerType.PROCESS;
  }

  /**
   * Returns the variables the PyTorch container sets for the user's processes.
   *
   * @param job the job
   * @param runner the chosen runner
   * @return NCCL settings, MASTER_ADDR and MASTER_PORT
   */
  static Map<String, String> variables(Job job, RunnerType runner) {
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("NCCL_SOCKET_IFNAME", job.networkInterfaceName());
    variables.put("NCCL_IB_DISABLE", "1");
    if (runner != RunnerType.MPI) {
      // Under MPI, mpirun's "-x NCCL_DEBUG=INFO" is what the ranks see in the Python container.
      variables.put("NCCL_DEBUG", "WARN");
    }
    variables.put("MASTER_ADDR", job.masterHostname());
    variables.put("MASTER_PORT", Integer.toString(MASTER_PORT));
    return variables;
  }

  /** Reads torch's version from its package metadata (importing torch would cost seconds). */
  private static Optional<String> torchVersion(TrainingContext context) {
    try {
      Process process =
          new ProcessBuilder(
                  context.python(),
                  "-c",
                  "import importlib.metadata as m; print(m.version('torch'))")
              .redirectErrorStream(true)
              .start();
      process.getOutputStream().close();
      String output;
      try (InputStream in = process.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      }
      if (process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0 && !output.isEmpty()) {
        return Optional.of(output);
      }
      context
          .log()
          .warning(
              "PyTorch is not installed for "
                  + context.python()
                  + "; SM_DLC_TORCH_VERSION not set");
    } catch (ToolkitException | IOException e) {
      context.log().warning("Cannot read the PyTorch version: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Optional.empty();
  }
}
