package io.smtk.framework;

/** The toolkit's log, as a framework entry writes to it. */
public interface Log {

  /**
   * Logs at INFO.
   *
   * @param message the message
   */
  void info(String message);

  /**
   * Logs at WARNING.
   *
   * @param message the message
   */
  void warning(String message);
}
