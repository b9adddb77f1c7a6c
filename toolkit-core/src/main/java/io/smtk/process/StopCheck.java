package io.smtk.process;

import java.time.Duration;

/**
 * Asks whether the job was told to stop (SIGTERM, SIGINT), for the steps that run no process of
 * their own: waiting for host names, downloading, unpacking, setting up SSH and the control
 * channel. Such a step asks at least every {@link #POLL}, so a stop ends it within well under the 2
 * s a stopped job may take.
 */
@FunctionalInterface
public interface StopCheck {

  /** How often a waiting step asks. */
  Duration POLL = Duration.ofMillis(100);

  /** A check that never stops (tools and tests that run outside a job). */
  // An anonymous class, not a lambda: every job initializes this interface at start-up, where
  // linking a lambda is measurable (docs/DECISIONS.md, "Start-up and S3 fixed costs").
  StopCheck NEVER =
      new StopCheck() {
        @Override
        public void checkStopped(String detail) {}
      };

  /**
   * Throws when a stop was requested.
   *
   * @param detail what was going on, for the failure reason, or ""
   * @throws TrainingStoppedException when the job was told to stop
   */
  void checkStopped(String detail) throws TrainingStoppedException;

  /**
   * Sleeps, asking every {@link #POLL} whether to stop; an interrupt ends the sleep early (with the
   * thread's interrupt flag set again).
   *
   * @param millis how long to sleep
   * @param detail what is being waited for, for the failure reason
   * @throws TrainingStoppedException when the job was told to stop
   */
  default void sleep(long millis, String detail) throws TrainingStoppedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (true) {
      checkStopped(detail);
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return;
      }
      try {
        Thread.sleep(Math.min(left, POLL.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
