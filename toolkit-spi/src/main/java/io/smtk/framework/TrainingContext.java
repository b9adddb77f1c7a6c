package io.smtk.framework;

import io.smtk.ToolkitException;
import java.util.List;
import java.util.Map;

/**
 * What a {@link FrameworkEntry} gets to run a job with: the job, the log and the means to launch.
 */
public interface TrainingContext {

  /**
   * Returns the job.
   *
   * @return the job
   */
  Job job();

  /**
   * Returns the toolkit's log.
   *
   * @return the log
   */
  Log log();

  /**
   * Fetches and installs the user's code, then runs the entry point as one process with the user
   * contract ({@code SM_*} variables, arguments) plus the given variables, and waits for it.
   *
   * @param extraVariables variables the framework adds for the user process (they win over the
   *     inherited ones)
   * @throws ToolkitException when the code cannot be installed, the process fails (the exception
   *     then implements {@link UserScriptFailure}) or the job is stopped
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
  void runUserEntryPoint(RunnerType runner, Map<String, String> extraVariables)
      throws ToolkitException;

  /**
   * Returns a context for the same job with a user hyperparameter set to a string (TensorFlow's
   * {@code model_dir} under tuning); the user's contract ({@code SM_*}, arguments) follows it.
   *
   * @param name the hyperparameter
   * @param value its new value
   * @return the context
   */
  TrainingContext withHyperparameter(String name, String value);

  /**
   * Returns the Python interpreter for the user's code (and for framework helper processes).
   *
   * @return its absolute path
   * @throws ToolkitException when there is none
   */
  String python() throws ToolkitException;

  /**
   * Waits until a host name resolves (as long as the toolkit waits for the job's hosts) and returns
   * its address.
   *
   * @param host the host name
   * @return its IP address, as text
   * @throws ToolkitException when it does not resolve in time or the job is stopped
   */
  String resolve(String host) throws ToolkitException;

  /**
   * Starts a process that runs beside the user's for the job's length (a parameter server, a
   * scheduler); the toolkit stops it, with its children, when the job ends, whatever the outcome.
   *
   * @param name what it is, for the log
   * @param command the command, without a shell
   * @param extraVariables variables added to the toolkit's environment for it
   * @return the running service, which may also be stopped earlier
   * @throws ToolkitException when it cannot be started
   */
  Service startService(String name, List<String> command, Map<String, String> extraVariables)
      throws ToolkitException;

  /**
   * Throws when the job was told to stop (SIGTERM, SIGINT), for an entry that waits between the
   * toolkit's steps (a parameter server waiting for its master): a stopped job must end within
   * seconds. By default it never throws.
   *
   * @throws ToolkitException when the job was told to stop
   */
  default void checkStopped() throws ToolkitException {}
}
