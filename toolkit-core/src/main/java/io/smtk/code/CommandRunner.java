package io.smtk.code;

import io.smtk.ToolkitException;
import io.smtk.process.ProcessResult;
import java.nio.file.Path;
import java.util.List;

/** Runs one job command (pip, the user's entry point) with the job's environment and output. */
@FunctionalInterface
public interface CommandRunner {

  /**
   * Runs a command to its end.
   *
   * @param command the command, run without a shell
   * @param workingDirectory its working directory
   * @return how it ended
   * @throws ToolkitException when it cannot be started or the toolkit is stopped meanwhile
   */
  ProcessResult run(List<String> command, Path workingDirectory) throws ToolkitException;
}
