package io.smtk.distributed;

import io.smtk.ToolkitException;
import io.smtk.environment.ToolkitSettings;
import io.smtk.environment.TrainingEnvironment;
import io.smtk.logging.ToolkitLog;

/** Runs the user's entry point with a distributed runner (MPI, SMDDP, torchrun, PyTorch XLA) on this host. */
public final class DistributedRunners {

  private DistributedRunners() {}

  /**
   * Runs the job's part on this host and returns when the whole job has ended here.
   *
   * @param runner the runner
   * @param environment the training environment
   * @param settings the toolkit's settings
   * @param log the toolkit's log
   * @param launch the installed entry point and its environment
   * @param processes runs the job's processes
   * @throws ToolkitException when the job fails on any host or cannot be launched
   */
  public static void run(RunnerType runner, TrainingEnvironment environment, ToolkitSettings settings,
      ToolkitLog log, UserLaunch launch, JobProcesses processes) throws ToolkitException {
    throw new LaunchConfigurationException("The " + runner + " runner is not available in this build");
  }
}
