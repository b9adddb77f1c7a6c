package io.smtk.s3;

import io.smtk.ToolkitException;

/** Thrown when the intermediate output sync cannot start, or ends with files missing from S3. */
public final class IntermediateSyncException extends ToolkitException {

  private static final long serialVersionUID = 1L;

  public IntermediateSyncException(String message) {
    super(message);
  }

  public IntermediateSyncException(String message, Throwable cause) {
    super(message, cause);
  }
}
