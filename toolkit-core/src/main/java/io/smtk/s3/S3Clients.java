package io.smtk.s3;

import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.transfer.s3.S3TransferManager;

/**
 * The S3 clients of one toolkit run, each created on first use so that a job pays only for the one
 * it uses, and nothing without any S3 URI.
 *
 * <ul>
 *   <li>{@link #syncClient()}: the SDK's S3 client over the Apache HTTP client, all Java, for the
 *       code download most jobs make (ranged GETs on the downloader's own daemon threads). It is
 *       ready in a fraction of the CRT client's time, which loads a native library (extracted from
 *       its jar on every start) and whose event loops take over a second to shut down.
 *   <li>{@link #client()}: the SDK's Java S3 client over the CRT HTTP client, multipart uploads
 *       enabled, for the {@link S3TransferManager} uploads of the intermediate output and the
 *       prefix downloads of {@code smtk local}.
 * </ul>
 *
 * <p>Every request goes through the SDK's standard retry strategy with {@link
 * S3Settings#maxAttempts()} attempts: transient failures (connection reset or refused, 5xx,
 * throttling) are retried with jittered exponential backoff and each retry is reported to the retry
 * log; permanent ones (403, 404, NoSuchBucket, NoSuchKey, AccessDenied) are not retried.
 * Thread-safe.
 */
public final class S3Clients implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(S3Clients.class);

  private final S3Settings settings;
  private final Consumer<String> retryLog;
  private S3Client syncClient;
  private long syncClientMillis = -1;
  private S3AsyncClient client;
  private S3TransferManager transferManager;
  private boolean closed;

  private S3Clients(S3Settings settings, Consumer<String> retryLog) {
    this.settings = settings;
    this.retryLog = retryLog;
  }

  /**
   * Returns a holder that creates its clients on first use; creating it costs nothing.
   *
   * @param settings region, endpoint, credentials and tuning
   * @return the holder; close it at the end of the job
   */
  public static S3Clients create(S3Settings settings) {
    return new S3Clients(settings, LOG::warn);
  }

  /**
   * Returns a holder that reports each retried S3 request to {@code retryLog} instead of the
   * logger.
   *
   * @param settings region, endpoint, credentials and tuning
   * @param retryLog receives one line per retried request (operation, attempt, cause, backoff)
   * @return the holder; close it at the end of the job
   */
  public static S3Clients create(S3Settings settings, Consumer<String> retryLog) {
    return new S3Clients(settings, retryLog);
  }

  /**
   * Returns the settings the clients are built from.
   *
   * @return the settings
   */
  public S3Settings settings() {
    return settings;
  }

  /**
   * Returns the synchronous client, creating it on the first call.
   *
   * @return the client, closed with this holder
   */
  synchronized S3Client syncClient() {
    if (closed) {
      throw new IllegalStateException("S3 clients are closed");
    }
    if (syncClient == null) {
      long start = System.nanoTime();
      syncClient = buildSyncClient();
      syncClientMillis = (System.nanoTime() - start) / 1_000_000;
    }
    return syncClient;
  }

  /**
   * Starts creating the synchronous client on a daemon thread, for a job that will download with it
   * soon: building it takes 150 to 250 ms (the SDK's configuration, the HTTP client's TLS set-up),
   * which then overlaps the job's other preparations. {@link #syncClient()} waits for it, and
   * reports any failure by failing the same way itself.
   */
  public void prepareSyncClient() {
    TlsPreparation.startInBackground();
    Thread thread =
        new Thread(
            () -> {
              try {
                syncClient();
              } catch (RuntimeException e) {
                // Left for the job's own call, which builds the client again and fails with it.
              }
            },
            "smtk-s3-client");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Returns how long creating the synchronous client took.
   *
   * @return milliseconds, or -1 if it was not created
   */
  synchronized long syncClientMillis() {
    return syncClientMillis;
  }

  synchronized S3AsyncClient client() {
    if (closed) {
      throw new IllegalStateException("S3 clients are closed");
    }
    if (client == null) {
      client = buildClient();
    }
    return client;
  }

  synchronized S3TransferManager transferManager() {
    S3AsyncClient async = client();
    if (transferManager == null) {
      transferManager = S3TransferManager.builder().s3Client(async).build();
    }
    return transferManager;
  }

  private S3Client buildSyncClient() {
    LOG.debug("Creating the S3 client: {}", settings);
    S3ClientBuilder builder =
        S3Client.builder()
            .credentialsProvider(credentialsProvider())
            .httpClientBuilder(
                Apache5HttpClient.builder()
                    .maxConnections(settings.maxConcurrency())
                    .connectionTimeout(Duration.ofSeconds(10))
                    .connectionAcquisitionTimeout(Duration.ofSeconds(60))
                    // A read that moves nothing for 60 s fails, and the retry strategy replaces it.
                    .socketTimeout(Duration.ofSeconds(60))
                    .tcpKeepAlive(true))
            .overrideConfiguration(o -> o.retryStrategy(retryStrategy()))
            .forcePathStyle(settings.pathStyle());
    settings.configuredRegion().ifPresent(r -> builder.region(Region.of(r)));
    settings.configuredEndpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  private RetryStrategy retryStrategy() {
    return new LoggingRetryStrategy(
        AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(settings.maxAttempts())
            .build(),
        retryLog);
  }

  private S3AsyncClient buildClient() {
    LOG.debug("Creating the S3 client: {}", settings);
    S3AsyncClientBuilder builder =
        S3AsyncClient.builder()
            .credentialsProvider(credentialsProvider())
            .httpClientBuilder(
                AwsCrtAsyncHttpClient.builder()
                    .maxConcurrency(settings.maxConcurrency())
                    .connectionTimeout(Duration.ofSeconds(10))
                    // Callers keep their in-flight requests near maxConcurrency, so waiting for a
                    // connection means waiting for another part to finish on a slow network.
                    .connectionAcquisitionTimeout(Duration.ofSeconds(60))
                    // CRT has no read timeout: fail a connection that moves nothing for 60 s, so
                    // the retry strategy can replace it instead of the job hanging.
                    .connectionHealthConfiguration(
                        h ->
                            h.minimumThroughputInBps(1L)
                                .minimumThroughputTimeout(Duration.ofSeconds(60)))
                    .tcpKeepAliveConfiguration(
                        k ->
                            k.keepAliveInterval(Duration.ofSeconds(30))
                                .keepAliveTimeout(Duration.ofSeconds(10))))
            .overrideConfiguration(o -> o.retryStrategy(retryStrategy()))
            .forcePathStyle(settings.pathStyle())
            .multipartEnabled(true)
            .multipartConfiguration(
                m ->
                    m.thresholdInBytes(settings.partSizeBytes())
                        .minimumPartSizeInBytes(settings.partSizeBytes())
                        // A quarter of the connections per file: four large files fill the pool.
                        .parallelConfiguration(
                            p -> p.maxInFlightParts(Math.max(1, settings.maxConcurrency() / 4))));
    settings.configuredRegion().ifPresent(r -> builder.region(Region.of(r)));
    settings.configuredEndpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  private AwsCredentialsProvider credentialsProvider() {
    if (settings.accessKeyId() == null) {
      return DefaultCredentialsProvider.builder().build();
    }
    AwsCredentials credentials =
        settings.sessionToken() == null
            ? AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey())
            : AwsSessionCredentials.create(
                settings.accessKeyId(), settings.secretAccessKey(), settings.sessionToken());
    return StaticCredentialsProvider.create(credentials);
  }

  /**
   * Closes the clients, if they were ever created; in-flight transfers fail. Closing the CRT client
   * only starts its shutdown; its native threads end by themselves.
   */
  @Override
  public synchronized void close() {
    closed = true;
    if (syncClient != null) {
      syncClient.close();
      syncClient = null;
    }
    if (transferManager != null) {
      transferManager.close();
      transferManager = null;
    }
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
