package io.smtk.outcome;

import io.smtk.ToolkitException;

/**
 * Thrown when a Python framework module ({@code SAGEMAKER_TRAINING_MODULE=<module>:<function>})
 * raised or exited non-zero; the failure reason is what the Python toolkit's trainer would write:
 * the text of a {@code ClientError}, or {@code "Framework Error: "} with the traceback for anything
 * else.
 */
public class FrameworkModuleException extends ToolkitException {

  private static final long serialVersionUID = 1L;

  private final int exitCode;

  public FrameworkModuleException(String failureReason, int exitCode) {
    super(failureReason);
    this.exitCode = exitCodeOf(exitCode);
  }

  @Override
  public String failureReason() {
    return getMessage();
  }

  @Override
  public int exitCode() {
    return exitCode;
  }
}
