package io.smtk.s3;

import io.smtk.ToolkitException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Thrown when an S3 transfer fails for good: a permanent error (no such bucket or key, access
 * denied) at once, or a transient one (connection reset, 5xx, throttling) once the bounded retries
 * are spent.
 *
 * <p>The message names the S3 URI and, when S3 answered, its error code and HTTP status, e.g.
 * {@code Could not download s3://bucket/code.tar.gz: NoSuchKey (HTTP 404): The specified key does
 * not exist.}
 */
public final class S3TransferException extends ToolkitException {

  private static final long serialVersionUID = 1L;

  private final String uri;
  private final String errorCode;
  private final int statusCode;

  /**
   * Creates the exception.
   *
   * @param message the full message, naming the URI
   * @param uri the S3 URI the transfer was for
   * @param errorCode S3's error code, or null when S3 did not answer
   * @param statusCode the HTTP status, or 0 when S3 did not answer
   * @param cause the SDK's exception
   */
  public S3TransferException(
      String message, String uri, String errorCode, int statusCode, Throwable cause) {
    super(message, cause);
    this.uri = uri;
    this.errorCode = errorCode;
    this.statusCode = statusCode;
  }

  /**
   * Returns the S3 URI of the failed transfer.
   *
   * @return the URI, e.g. {@code s3://bucket/key}
   */
  public String uri() {
    return uri;
  }

  /**
   * Returns S3's error code, such as {@code NoSuchBucket}, {@code NoSuchKey} or {@code
   * AccessDenied}.
   *
   * @return the code, or empty when the request never got an S3 answer (network failure)
   */
  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }

  /**
   * Returns the HTTP status of S3's answer.
   *
   * @return the status, or empty when the request never got an answer
   */
  public OptionalInt statusCode() {
    return statusCode == 0 ? OptionalInt.empty() : OptionalInt.of(statusCode);
  }
}
