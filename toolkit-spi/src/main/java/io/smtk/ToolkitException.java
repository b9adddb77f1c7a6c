package io.smtk;

/**
 * Thrown when a training job cannot go on; the root of every checked exception of the toolkit.
 *
 * <p>Each subclass says what failed and where (the file, key, value, command or URI), because its
 * {@link #getMessage()} is what the failure file and the log show to the user. {@link
 * #failureReason()} is the text for {@code /opt/ml/output/failure}; {@link #exitCode()} is the
 * toolkit's exit status.
 */
public class ToolkitException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Exit status for a toolkit error that is not the user's script failing. */
  public static final int DEFAULT_EXIT_CODE = 1;

  public ToolkitException(String message) {
    super(message);
  }

  public ToolkitException(String message, Throwable cause) {
    super(message, cause);
  }

  public ToolkitException(Throwable cause) {
    super(cause);
  }

  /**
   * Returns the text written to the failure file; SageMaker shows its first 1024 characters as the
   * job's FailureReason, so the most useful words come first.
   *
   * @return the failure reason, never empty
   */
  public String failureReason() {
    String name = getClass().getSimpleName();
    String message = getMessage();
    return message == null || message.isEmpty() ? name : name + ": " + message;
  }

  /**
   * Returns the exit status the toolkit ends with when this exception ends the job.
   *
   * @return a value in 1..255
   */
  public int exitCode() {
    return DEFAULT_EXIT_CODE;
  }

  /**
   * Returns a process's exit status as the toolkit's own, for exceptions that pass on the status of
   * a process that failed: the status when it is in 1..255, else {@link #DEFAULT_EXIT_CODE}.
   *
   * @param status the process's exit status
   * @return a value in 1..255
   */
  protected static int exitCodeOf(int status) {
    return status > 0 && status < 256 ? status : DEFAULT_EXIT_CODE;
  }
}
