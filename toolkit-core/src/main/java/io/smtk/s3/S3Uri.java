package io.smtk.s3;

import java.util.Locale;
import java.util.Objects;

/**
 * An S3 location: a bucket and a key (or key prefix, possibly empty), parsed from {@code
 * s3://bucket/key}.
 *
 * <p>The scheme is matched case-insensitively, as Python's {@code urlparse} lower-cases it, so
 * {@code S3://} is accepted. The key is kept exactly as written, without percent-decoding: S3 keys
 * may hold characters such as spaces, {@code ?} or {@code #} that a {@link java.net.URI} would
 * reject or split off.
 *
 * @param bucket the bucket name, never empty
 * @param key the key or key prefix, without a leading {@code /}; empty for the bucket's root
 */
public record S3Uri(String bucket, String key) {

  private static final String SCHEME = "s3://";

  public S3Uri {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException("bucket is empty");
    }
  }

  /**
   * Parses {@code s3://bucket/key}.
   *
   * @param uri the text to parse
   * @return the location
   * @throws InvalidS3UriException if the scheme is not {@code s3}, the bucket is missing, or the
   *     bucket name has characters S3 never allows in one
   */
  public static S3Uri parse(String uri) throws InvalidS3UriException {
    if (uri == null) {
      throw new InvalidS3UriException("null", "no value");
    }
    String trimmed = uri.strip();
    if (!trimmed.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
      int colon = trimmed.indexOf("://");
      String scheme = colon > 0 ? trimmed.substring(0, colon) : "";
      throw new InvalidS3UriException(
          uri,
          scheme.isEmpty()
              ? "expected the form s3://bucket/key"
              : "expected the 's3' scheme, got '" + scheme + "'");
    }
    String rest = trimmed.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String key = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty()) {
      throw new InvalidS3UriException(uri, "the bucket name is missing");
    }
    for (int i = 0; i < bucket.length(); i++) {
      char c = bucket.charAt(i);
      // Lenient on case and underscores (legacy buckets, S3-compatible stores); strict on the rest.
      if (!(Character.isLetterOrDigit(c) && c < 128) && c != '.' && c != '-' && c != '_') {
        throw new InvalidS3UriException(
            uri, "the bucket name '" + bucket + "' has the character '" + c + "'");
      }
    }
    return new S3Uri(bucket, key);
  }

  /**
   * Returns a location from its parts.
   *
   * @param bucket the bucket name
   * @param key the key or prefix; a leading {@code /} is dropped
   * @return the location
   */
  public static S3Uri of(String bucket, String key) {
    return new S3Uri(bucket, key.startsWith("/") ? key.substring(1) : key);
  }

  /**
   * Returns the location of {@code relative} under this one, joined with exactly one {@code /}.
   *
   * @param relative a relative key such as {@code job/output/intermediate} or {@code a/b.txt}
   * @return the child location
   */
  public S3Uri resolve(String relative) {
    String child = relative;
    while (child.startsWith("/")) {
      child = child.substring(1);
    }
    if (child.isEmpty()) {
      return this;
    }
    if (key.isEmpty()) {
      return new S3Uri(bucket, child);
    }
    return new S3Uri(bucket, key.endsWith("/") ? key + child : key + "/" + child);
  }

  @Override
  public String toString() {
    return SCHEME + bucket + "/" + key;
  }
}
