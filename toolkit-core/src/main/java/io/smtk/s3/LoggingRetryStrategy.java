package io.smtk.s3;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.AcquireInitialTokenResponse;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RecordSuccessResponse;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A retry strategy that delegates every decision to the SDK's strategy and reports each retry it
 * grants, with the failure, the attempt number and the backoff, so that transient S3 trouble is
 * visible in the job log instead of only as a slow transfer.
 */
final class LoggingRetryStrategy implements RetryStrategy {

  private final RetryStrategy delegate;
  private final Consumer<String> log;
  // Attempt number of each live token; tokens are per request and dropped by the SDK afterwards.
  private final Map<RetryToken, Integer> attempts =
      Collections.synchronizedMap(new WeakHashMap<>());

  LoggingRetryStrategy(RetryStrategy delegate, Consumer<String> log) {
    this.delegate = delegate;
    this.log = log;
  }

  @Override
  public AcquireInitialTokenResponse acquireInitialToken(AcquireInitialTokenRequest request) {
    AcquireInitialTokenResponse response = delegate.acquireInitialToken(request);
    attempts.put(response.token(), 1);
    return response;
  }

  @Override
  public RefreshRetryTokenResponse refreshRetryToken(RefreshRetryTokenRequest request) {
    Integer attempt = attempts.remove(request.token());
    int failed = attempt == null ? 1 : attempt;
    // Throws TokenAcquisitionFailedException when the failure is permanent or the attempts are
    // spent; the caller then reports the failure itself, so only granted retries are logged here.
    RefreshRetryTokenResponse response = delegate.refreshRetryToken(request);
    attempts.put(response.token(), failed + 1);
    log.accept(
        "S3 "
            + request.operationName().orElse("request")
            + " attempt "
            + failed
            + " of "
            + delegate.maxAttempts()
            + " failed ("
            + describe(request.failure())
            + "); retrying in "
            + response.delay().toMillis()
            + " ms");
    return response;
  }

  @Override
  public RecordSuccessResponse recordSuccess(RecordSuccessRequest request) {
    attempts.remove(request.token());
    return delegate.recordSuccess(request);
  }

  @Override
  public int maxAttempts() {
    return delegate.maxAttempts();
  }

  /** The delegate is already configured with the AWS defaults; the client must not rebuild it. */
  @Override
  public boolean useClientDefaults() {
    return false;
  }

  @Override
  public Builder toBuilder() {
    return new Builder(delegate.toBuilder(), log);
  }

  @Override
  public void close() {
    delegate.close();
  }

  static String describe(Throwable failure) {
    if (failure instanceof S3Exception s3 && s3.awsErrorDetails() != null) {
      String code = s3.awsErrorDetails().errorCode();
      return (code == null ? "" : code + ", ") + "HTTP " + s3.statusCode();
    }
    if (failure instanceof SdkServiceException service) {
      return "HTTP " + service.statusCode();
    }
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** Builds a {@link LoggingRetryStrategy} around a builder of the SDK's strategy. */
  // Raw types: RetryStrategy.Builder is self-typed, and the delegate's concrete builder type is
  // unknown.
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class Builder implements RetryStrategy.Builder<Builder, LoggingRetryStrategy> {
    private final RetryStrategy.Builder delegate;
    private final Consumer<String> log;

    Builder(RetryStrategy.Builder<?, ?> delegate, Consumer<String> log) {
      this.delegate = delegate;
      this.log = log;
    }

    @Override
    public Builder retryOnException(Predicate<Throwable> shouldRetry) {
      delegate.retryOnException(shouldRetry);
      return this;
    }

    @Override
    public Builder maxAttempts(int maxAttempts) {
      delegate.maxAttempts(maxAttempts);
      return this;
    }

    @Override
    public Builder backoffStrategy(BackoffStrategy backoffStrategy) {
      delegate.backoffStrategy(backoffStrategy);
      return this;
    }

    @Override
    public Builder throttlingBackoffStrategy(BackoffStrategy backoffStrategy) {
      delegate.throttlingBackoffStrategy(backoffStrategy);
      return this;
    }

    @Override
    public Builder treatAsThrottling(Predicate<Throwable> treatAsThrottling) {
      delegate.treatAsThrottling(treatAsThrottling);
      return this;
    }

    @Override
    public LoggingRetryStrategy build() {
      return new LoggingRetryStrategy(delegate.build(), log);
    }
  }
}
