package io.smtk.outcome;

import io.smtk.ToolkitException;

/**
 * Thrown when the toolkit was asked to stop (SIGTERM from StopTrainingJob, or SIGINT) and stopped the
 * user's process; the toolkit exits with 128 + the signal's number, as a shell would.
 */
public class TrainingStoppedException extends ToolkitException {

  private static final long serialVersionUID = 1L;

  private final int signalNumber;

  public TrainingStoppedException(String signalName, int signalNumber, String detail) {
    super("Training stopped: the toolkit received SIG" + signalName + (detail.isEmpty() ? "" : "; " + detail));
    this.signalNumber = signalNumber;
  }

  @Override
  public String failureReason() {
    return getMessage();
  }

  @Override
  public int exitCode() {
    return 128 + signalNumber;
  }
}
