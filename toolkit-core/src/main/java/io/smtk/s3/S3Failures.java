package io.smtk.s3;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns the SDK's exceptions into {@link S3TransferException}s whose message names the URI and
 * code.
 */
final class S3Failures {

  private S3Failures() {}

  /**
   * Returns the exception to report for a failed transfer.
   *
   * @param action what was attempted, as a verb: "download", "upload"
   * @param uri the S3 URI
   * @param failure what the SDK threw or completed a future with
   * @return the exception, with the cause attached
   */
  static S3TransferException toException(String action, S3Uri uri, Throwable failure) {
    Throwable cause = unwrap(failure);
    StringBuilder message = new StringBuilder("Could not ").append(action).append(' ').append(uri);
    String code = null;
    int status = 0;
    if (cause instanceof AwsServiceException service) {
      AwsErrorDetails details = service.awsErrorDetails();
      status = service.statusCode();
      code = details == null ? null : details.errorCode();
      String text = details == null ? null : details.errorMessage();
      message
          .append(": ")
          .append(code == null ? "HTTP " + status : code + " (HTTP " + status + ")");
      if (text != null && !text.isBlank()) {
        message.append(": ").append(text);
      }
      if (service.requestId() != null) {
        message.append(" (request id ").append(service.requestId()).append(')');
      }
    } else {
      Integer attempts = cause instanceof SdkException sdk ? sdk.numAttempts() : null;
      if (attempts != null && attempts > 1) {
        message.append(" after ").append(attempts).append(" attempts");
      }
      message.append(": ").append(LoggingRetryStrategy.describe(cause));
    }
    return new S3TransferException(message.toString(), uri.toString(), code, status, cause);
  }

  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static boolean isCancellation(Throwable failure) {
    return unwrap(failure) instanceof CancellationException;
  }
}
