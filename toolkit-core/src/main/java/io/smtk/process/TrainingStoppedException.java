package io.smtk.process;

import io.smtk.ToolkitException;

/**
 * Thrown when the toolkit was asked to stop (SIGTERM from StopTrainingJob, or SIGINT) and stopped
 * the job's processes; the toolkit exits with 128 + the signal's number, as a shell would.
 */
public class TrainingStoppedException extends ToolkitException {

  private static final long serialVersionUID = 1L;

  private final int signalNumber;

  /**
   * Creates the exception.
   *
   * @param signalNumber the signal the toolkit received
   * @param detail what was running, or ""
   */
  public TrainingStoppedException(int signalNumber, String detail) {
    super(
        "Training stopped: the toolkit received SIG"
            + Signal.nameOf(signalNumber)
            + (detail.isEmpty() ? "" : "; " + detail));
    this.signalNumber = signalNumber;
  }

  @Override
  public String failureReason() {
    return getMessage();
  }

  @Override
  public int exitCode() {
    return Signal.exitCode(signalNumber);
  }
}
