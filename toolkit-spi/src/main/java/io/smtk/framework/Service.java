package io.smtk.framework;

import io.smtk.ToolkitException;

/** A process that runs beside the user's for the job's length (a parameter server, a scheduler). */
public interface Service {

  /**
   * Returns what it is, for the log.
   *
   * @return the name
   */
  String name();

  /**
   * Returns its process id.
   *
   * @return the pid
   */
  long pid();

  /**
   * Tells whether it still runs.
   *
   * @return true while running
   */
  boolean isAlive();

  /**
   * Stops it with its children: SIGTERM, then SIGKILL after the job's stop grace period.
   *
   * @throws ToolkitException when interrupted while waiting for it
   */
  void stop() throws ToolkitException;
}
