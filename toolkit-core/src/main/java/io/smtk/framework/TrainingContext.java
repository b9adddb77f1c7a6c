package io.smtk.framework;

import io.smtk.ToolkitException;
import io.smtk.distributed.RunnerType;
import io.smtk.environment.ToolkitSettings;
import io.smtk.environment.TrainingEnvironment;
import io.smtk.logging.ToolkitLog;
import java.util.Map;

/** What a {@link FrameworkEntry} gets to run a job with. */
public interface TrainingContext {

  /**
   * Returns the job's training environment.
   *
   * @return the environment
   */
  TrainingEnvironment environment();

  /**
   * Returns the toolkit's settings (its process environment).
   *
   * @return the settings
   */
  ToolkitSettings settings();

  /**
   * Returns the toolkit's log.
   *
   * @return the log
   */
  ToolkitLog log();

  /**
   * Fetches and installs the user's code, then runs the entry point as one process with the user
   * contract ({@code SM_*} variables, arguments) plus the given variables, and waits for it.
   *
   * @param extraVariables variables the framework adds for the user process (they win over the
   *     inherited ones)
   * @throws ToolkitException when the code cannot be installed, the process fails or the job is stopped
   */
  default void runUserEntryPoint(Map<String, String> extraVariables) throws ToolkitException {
    runUserEntryPoint(RunnerType.PROCESS, extraVariables);
  }

  /**
   * Fetches and installs the user's code, then runs the entry point with a runner (a plain process,
   * MPI, torchrun, SMDDP, PyTorch XLA) and waits for the job to end on this host.
   *
   * @param runner how the entry point is launched
   * @param extraVariables variables the framework adds for the user processes
   * @throws ToolkitException when the code cannot be installed, the job fails or is stopped
   */
  void runUserEntryPoint(RunnerType runner, Map<String, String> extraVariables) throws ToolkitException;
}
