package io.smtk.distributed.control;

import io.smtk.ToolkitException;

/**
 * Thrown on a worker host when the master reports that the distributed job failed elsewhere; it
 * makes the worker fail too, with the master's account of which host and rank failed first.
 */
public class DistributedJobFailedException extends ToolkitException {

  private static final long serialVersionUID = 1L;

  private final JobOutcome outcome;

  /**
   * Creates the exception.
   *
   * @param master the master host that reported the outcome
   * @param outcome the failed outcome
   */
  public DistributedJobFailedException(String master, JobOutcome outcome) {
    super(
        "The distributed job failed (reported by the master " + master + "): " + outcome.summary());
    this.outcome = outcome;
  }

  /**
   * Returns the outcome the master reported.
   *
   * @return the outcome
   */
  public JobOutcome outcome() {
    return outcome;
  }

  @Override
  public String failureReason() {
    String text = outcome.errorText().strip();
    return getMessage() + (text.isEmpty() ? "" : "\n" + text);
  }

  @Override
  public int exitCode() {
    return exitCodeOf(outcome.exitCode());
  }
}
