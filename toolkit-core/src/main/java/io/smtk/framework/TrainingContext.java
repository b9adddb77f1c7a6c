package io.smtk.framework;

import io.smtk.ToolkitException;
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
  void runUserEntryPoint(Map<String, String> extraVariables) throws ToolkitException;
}
