package io.smtk.s3;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Wraps the SDK's file transformer to count the bytes of a GET as they arrive; a retried attempt
 * first takes back what the failed one counted, so progress never runs past the object's size.
 */
final class CountingFileTransformer
    implements AsyncResponseTransformer<GetObjectResponse, GetObjectResponse> {

  private final AsyncResponseTransformer<GetObjectResponse, GetObjectResponse> delegate;
  private final TransferProgress progress;
  private final AtomicLong attemptBytes = new AtomicLong();

  CountingFileTransformer(
      AsyncResponseTransformer<GetObjectResponse, GetObjectResponse> delegate,
      TransferProgress progress) {
    this.delegate = delegate;
    this.progress = progress;
  }

  @Override
  public CompletableFuture<GetObjectResponse> prepare() {
    // Called once per attempt: a retry rewrites the same range from its start.
    long previous = attemptBytes.getAndSet(0);
    if (previous != 0 && progress != null) {
      progress.add(-previous);
    }
    return delegate.prepare();
  }

  @Override
  public void onResponse(GetObjectResponse response) {
    delegate.onResponse(response);
  }

  @Override
  public void onStream(SdkPublisher<ByteBuffer> publisher) {
    delegate.onStream(
        publisher.map(
            buffer -> {
              int n = buffer.remaining();
              attemptBytes.addAndGet(n);
              if (progress != null) {
                progress.add(n);
              }
              return buffer;
            }));
  }

  @Override
  public void exceptionOccurred(Throwable error) {
    delegate.exceptionOccurred(error);
  }

  @Override
  public String name() {
    return delegate.name();
  }

  long bytes() {
    return attemptBytes.get();
  }
}
