package io.smtk.s3;

import io.smtk.ToolkitException;

/** Thrown when a value that should be an {@code s3://bucket/key} URI is not one. */
public final class InvalidS3UriException extends ToolkitException {

  private static final long serialVersionUID = 1L;

  private final String value;

  public InvalidS3UriException(String value, String reason) {
    super("Invalid S3 URI '" + value + "': " + reason);
    this.value = value;
  }

  /**
   * Returns the text that was rejected.
   *
   * @return the value as given
   */
  public String value() {
    return value;
  }
}
