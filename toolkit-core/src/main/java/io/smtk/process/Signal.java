package io.smtk.process;

import java.util.OptionalInt;

/**
 * The signals the toolkit sends and receives, and how a shell reports a death by signal N: exit
 * status 128 + N. The one place that knows signal numbers, names and that arithmetic.
 */
public enum Signal {
  /** Ctrl-C. */
  INT(2),
  /** Cannot be caught: the end of every grace period. */
  KILL(9),
  /** StopTrainingJob, {@code docker stop}. */
  TERM(15);

  private static final int EXIT_BASE = 128;

  private final int number;

  Signal(int number) {
    this.number = number;
  }

  /**
   * Returns the signal's number on Linux.
   *
   * @return the number
   */
  public int number() {
    return number;
  }

  /**
   * Returns the exit status a shell reports for a process this signal ended.
   *
   * @return 128 + the number
   */
  public int exitCode() {
    return exitCode(number);
  }

  /**
   * Returns the exit status a shell reports for a process signal {@code number} ended.
   *
   * @param number the signal number
   * @return 128 + number
   */
  public static int exitCode(int number) {
    return EXIT_BASE + number;
  }

  /**
   * Returns the signal an exit status reports, when it is 128 + a signal number.
   *
   * @param exitCode the exit status
   * @return the signal number, or empty
   */
  public static OptionalInt fromExitCode(int exitCode) {
    int number = exitCode - EXIT_BASE;
    return number >= 1 && number <= 64 ? OptionalInt.of(number) : OptionalInt.empty();
  }

  /**
   * Returns a signal number's name as {@code kill -l} prints it, for the ones the toolkit uses.
   *
   * @param number the signal number
   * @return e.g. {@code TERM}, or the number itself
   */
  public static String nameOf(int number) {
    for (Signal signal : values()) {
      if (signal.number == number) {
        return signal.name();
      }
    }
    return Integer.toString(number);
  }
}
