package io.smtk.cli;

import io.smtk.logging.ToolkitLog;
import io.smtk.process.ProcessRunner;

/**
 * Start-up work the train path will need, done on another core while the main thread reads the job:
 * java.lang.invoke's own set-up (the first lambda), the local time zone and the JDK's process
 * machinery (on Java 21+ with its logger look-up), 15 to 40 ms of every job's start on the main
 * thread otherwise.
 */
final class Preparation implements Runnable {

  private Preparation() {}

  /** Starts the preparation on a daemon thread; the main thread never waits for it. */
  static void startInBackground() {
    // A named class, not a lambda: linking the first lambda is part of what is moved off the main
    // thread.
    Thread thread = new Thread(new Preparation(), "smtk-prepare");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void run() {
    try {
      Runnable first = Preparation::nothing;
      first.run();
      ToolkitLog.prepare();
      ProcessRunner.prepare();
    } catch (RuntimeException | LinkageError e) {
      // Only a head start: the main thread does the same work when it needs it, and reports what
      // fails there.
    }
  }

  private static void nothing() {}
}
