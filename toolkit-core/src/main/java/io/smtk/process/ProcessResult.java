package io.smtk.process;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How a user process ended: its exit code, whether the toolkit stopped it, and the part of its
 * output that best explains a failure.
 *
 * <p>The runner does not judge the result; the caller decides what is a failure.
 *
 * @param command the command as given in the {@link ProcessSpec}, without the {@code setsid} prefix
 * @param exitCode the exit code as a shell reports it: the process's exit status, or 128 + N when
 *     signal N killed it (Java reports signal deaths this way on Linux, so SIGKILL gives 137 and
 *     SIGTERM 143); 127 when the program was not found and 126 when it could not be executed
 * @param stopSignal the signal the toolkit received and forwarded as SIGTERM (15 for SIGTERM, 2 for
 *     SIGINT), or 0 when the toolkit did not stop the process
 * @param errorText the most useful part of the output: from the last Python traceback to the end,
 *     else the last lines of stderr (or of stdout when stderr is empty); may be empty
 */
public record ProcessResult(List<String> command, int exitCode, int stopSignal, String errorText) {

  // Linux has signals 1..64.
  private static final int MAX_SIGNAL = 64;

  /** Validates and copies the parts. */
  public ProcessResult {
    command = List.copyOf(command);
    Objects.requireNonNull(errorText, "errorText");
    if (stopSignal < 0 || stopSignal > MAX_SIGNAL) {
      throw new IllegalArgumentException("not a signal number: " + stopSignal);
    }
  }

  /**
   * Tells whether the toolkit forwarded a stop signal to the process; the process may still have
   * exited 0 after saving a checkpoint.
   *
   * @return true if the toolkit stopped the process
   */
  public boolean stoppedByToolkit() {
    return stopSignal != 0;
  }

  /**
   * Tells whether the process exited 0 without being stopped by the toolkit.
   *
   * @return true for a successful run
   */
  public boolean succeeded() {
    return exitCode == 0 && !stoppedByToolkit();
  }

  /**
   * Returns the signal that killed the process, read from the exit code; a process that itself
   * exits with 129..192 looks the same, as in a shell.
   *
   * @return the signal number, or empty if the exit code is not 128 + a signal number
   */
  public OptionalInt terminatingSignal() {
    return Signal.fromExitCode(exitCode);
  }
}
