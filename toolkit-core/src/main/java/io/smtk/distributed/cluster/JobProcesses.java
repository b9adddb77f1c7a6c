package io.smtk.distributed.cluster;

import io.smtk.ToolkitException;
import io.smtk.process.LineTransformer;
import io.smtk.process.ProcessResult;
import io.smtk.process.StopCheck;
import io.smtk.process.TrainingStoppedException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs a process of the job (a launcher such as mpirun, sshd's helpers) with the job's output
 * streams, stop handling and grace periods; the trainer provides it to runners.
 */
@FunctionalInterface
public interface JobProcesses {

  /**
   * Runs a command to its end; SIGTERM to the toolkit stops it.
   *
   * @param command the command, without a shell
   * @param workingDirectory its working directory
   * @param environment its complete environment
   * @param lineTransformer rewrites each output line (e.g. MPI rank tags), or null
   * @return how it ended
   * @throws ToolkitException when it cannot be started
   */
  ProcessResult run(
      List<String> command,
      Path workingDirectory,
      Map<String, String> environment,
      LineTransformer lineTransformer)
      throws ToolkitException;

  /**
   * Throws when the toolkit was asked to stop (SIGTERM, SIGINT) while no process of the job ran, so
   * a runner that waits for other hosts stops waiting; by default it never throws.
   *
   * @throws TrainingStoppedException when a stop was requested
   */
  default void checkStopped() throws TrainingStoppedException {}

  /**
   * Returns {@link #checkStopped()} as a {@link StopCheck}, for steps that wait in slices.
   *
   * @return the check
   */
  default StopCheck stopCheck() {
    return detail -> checkStopped();
  }
}
