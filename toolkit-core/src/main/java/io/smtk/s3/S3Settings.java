package io.smtk.s3;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How the toolkit talks to S3: region, endpoint, credentials, retries and transfer tuning, read
 * from an environment map that the caller passes in (the toolkit reads the process environment in
 * one place).
 *
 * <p>{@link #fromEnvironment(Map)} reads these keys:
 *
 * <ul>
 *   <li>{@code AWS_REGION}, else {@code SAGEMAKER_REGION}: the region. When neither is set the
 *       SDK's own region chain decides, except that a custom endpoint without a region gets {@code
 *       us-east-1}.
 *   <li>{@code S3_ENDPOINT_URL} (what the Python toolkit reads), else the SDK's standard {@code
 *       AWS_ENDPOINT_URL_S3}, else {@code AWS_ENDPOINT_URL}; the last two are ignored when {@code
 *       AWS_IGNORE_CONFIGURED_ENDPOINT_URLS} is {@code true}. A custom endpoint turns on path-style
 *       addressing, which S3-compatible stores expect.
 *   <li>{@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and {@code AWS_SESSION_TOKEN}:
 *       static credentials when the first two are set; otherwise the SDK's default chain (container
 *       credentials on SageMaker).
 * </ul>
 *
 * @param region the region, or null to let the SDK's chain decide
 * @param endpointOverride the endpoint, or null for AWS's own
 * @param pathStyle whether to address buckets in the path ({@code http://host/bucket/key})
 * @param accessKeyId static access key id, or null for the default chain
 * @param secretAccessKey static secret key, or null for the default chain
 * @param sessionToken session token of the static credentials, or null
 * @param maxAttempts attempts per request, the first included (so 5 means 4 retries)
 * @param partSizeBytes size of a ranged GET and of a multipart upload part; also the multipart
 *     threshold
 * @param maxConcurrency most requests in flight on one client
 */
public record S3Settings(
    String region,
    URI endpointOverride,
    boolean pathStyle,
    String accessKeyId,
    String secretAccessKey,
    String sessionToken,
    int maxAttempts,
    long partSizeBytes,
    int maxConcurrency) {

  /**
   * Attempts per request: enough to ride out a short outage (about 10 s of backoff), never forever.
   */
  public static final int DEFAULT_MAX_ATTEMPTS = 8;

  /** 8 MiB, the part size of the AWS CLI and boto3. */
  public static final long DEFAULT_PART_SIZE_BYTES = 8L * 1024 * 1024;

  /** Requests in flight at once; ranged GETs of one object use up to a quarter of them. */
  public static final int DEFAULT_MAX_CONCURRENCY = 64;

  /** The region a custom endpoint gets when none is configured; S3-compatible stores ignore it. */
  static final String FALLBACK_REGION = "us-east-1";

  private static final long MIN_PART_SIZE_BYTES = 5L * 1024 * 1024;

  public S3Settings {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    if (partSizeBytes < MIN_PART_SIZE_BYTES) {
      // S3 rejects multipart parts under 5 MiB (except the last).
      throw new IllegalArgumentException(
          "partSizeBytes must be at least 5 MiB, got " + partSizeBytes);
    }
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException(
          "maxConcurrency must be at least 1, got " + maxConcurrency);
    }
    if ((accessKeyId == null) != (secretAccessKey == null)) {
      throw new IllegalArgumentException("accessKeyId and secretAccessKey must be set together");
    }
  }

  /**
   * Reads the settings from an environment map (see the class comment for the keys).
   *
   * @param env the process environment, or a map standing for it
   * @return the settings, with the default retry and transfer tuning
   * @throws IllegalArgumentException if an endpoint variable is not an absolute http(s) URL; the
   *     message names the variable
   */
  public static S3Settings fromEnvironment(Map<String, String> env) {
    String region = firstNonBlank(env, "AWS_REGION", "SAGEMAKER_REGION");
    URI endpoint = null;
    boolean ignoreStandard =
        "true".equals(value(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").toLowerCase(Locale.ROOT));
    String[] endpointKeys =
        ignoreStandard
            ? new String[] {"S3_ENDPOINT_URL"}
            : new String[] {"S3_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"};
    for (String key : endpointKeys) {
      if (!value(env, key).isEmpty()) {
        endpoint = parseEndpoint(key, value(env, key));
        break;
      }
    }
    if (region == null && endpoint != null) {
      region = FALLBACK_REGION;
    }
    String accessKeyId = firstNonBlank(env, "AWS_ACCESS_KEY_ID");
    String secretAccessKey = firstNonBlank(env, "AWS_SECRET_ACCESS_KEY");
    if (accessKeyId == null || secretAccessKey == null) {
      accessKeyId = null;
      secretAccessKey = null;
    }
    String sessionToken = accessKeyId == null ? null : firstNonBlank(env, "AWS_SESSION_TOKEN");
    return new S3Settings(
        region,
        endpoint,
        endpoint != null,
        accessKeyId,
        secretAccessKey,
        sessionToken,
        DEFAULT_MAX_ATTEMPTS,
        DEFAULT_PART_SIZE_BYTES,
        DEFAULT_MAX_CONCURRENCY);
  }

  /**
   * Returns the region, when one is configured.
   *
   * @return the region, or empty to let the SDK's chain decide
   */
  public Optional<String> configuredRegion() {
    return Optional.ofNullable(region);
  }

  /**
   * Returns the custom endpoint, when one is configured.
   *
   * @return the endpoint, or empty for AWS's own
   */
  public Optional<URI> configuredEndpoint() {
    return Optional.ofNullable(endpointOverride);
  }

  /**
   * Returns a copy with another number of attempts per request.
   *
   * @param attempts attempts, the first included; at least 1
   * @return the new settings
   */
  public S3Settings withMaxAttempts(int attempts) {
    return new S3Settings(
        region,
        endpointOverride,
        pathStyle,
        accessKeyId,
        secretAccessKey,
        sessionToken,
        attempts,
        partSizeBytes,
        maxConcurrency);
  }

  /**
   * Returns a copy with another part size.
   *
   * @param bytes part size, at least 5 MiB
   * @return the new settings
   */
  public S3Settings withPartSizeBytes(long bytes) {
    return new S3Settings(
        region,
        endpointOverride,
        pathStyle,
        accessKeyId,
        secretAccessKey,
        sessionToken,
        maxAttempts,
        bytes,
        maxConcurrency);
  }

  /**
   * Returns a copy with another request concurrency.
   *
   * @param requests most requests in flight, at least 1
   * @return the new settings
   */
  public S3Settings withMaxConcurrency(int requests) {
    return new S3Settings(
        region,
        endpointOverride,
        pathStyle,
        accessKeyId,
        secretAccessKey,
        sessionToken,
        maxAttempts,
        partSizeBytes,
        requests);
  }

  /** Never prints the secret key or the session token, since settings end up in logs. */
  @Override
  public String toString() {
    return "S3Settings{region="
        + region
        + ", endpointOverride="
        + endpointOverride
        + ", pathStyle="
        + pathStyle
        + ", credentials="
        + (accessKeyId == null ? "default chain" : "static " + accessKeyId)
        + ", maxAttempts="
        + maxAttempts
        + ", partSizeBytes="
        + partSizeBytes
        + ", maxConcurrency="
        + maxConcurrency
        + "}";
  }

  private static URI parseEndpoint(String key, String text) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new IllegalArgumentException(
            key + " must be an http(s) URL such as https://s3.example.com, got '" + text + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(key + " is not a valid URL: '" + text + "'", e);
    }
  }

  private static String value(Map<String, String> env, String key) {
    String v = env.get(key);
    return v == null ? "" : v.strip();
  }

  private static String firstNonBlank(Map<String, String> env, String... keys) {
    for (String key : keys) {
      String v = value(env, key);
      if (!v.isEmpty()) {
        return v;
      }
    }
    return null;
  }
}
