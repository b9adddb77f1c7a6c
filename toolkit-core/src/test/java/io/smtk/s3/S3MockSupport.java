package io.smtk.s3;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Starts S3Mock on 127.0.0.1 only and gives tests an independent client to seed and read back
 * objects.
 */
public final class S3MockSupport {

  public static final String BUCKET = "bucket";

  private S3MockSupport() {}

  /**
   * S3Mock without TLS, bound to loopback; the second ("vectors") connectors get ephemeral ports.
   * Its store lives under {@code target/} and is deleted when the JVM exits, since S3Mock otherwise
   * leaves it behind in the temp directory.
   */
  public static S3MockExtension extension(String... buckets) {
    return S3MockExtension.builder()
        .silent()
        .withSecureConnection(false)
        .withProperty("server.address", "127.0.0.1")
        .withProperty("server.ssl.enabled", "false")
        .withProperty("vectors.http.port", "0")
        .withProperty("vectors.https.port", "0")
        .withRootFolder(storeFolder().toString())
        .withInitialBuckets(buckets)
        .build();
  }

  private static Path storeFolder() {
    try {
      Path target = Path.of("target");
      Path parent =
          Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir"));
      Path folder = Files.createTempDirectory(parent.toAbsolutePath(), "s3mock-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(folder)));
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // Best effort at exit; the folder is under target/ and goes with mvn clean anyway.
    }
  }

  /**
   * The environment a job would see, pointing the toolkit at S3Mock (or a proxy) on {@code port}.
   */
  public static Map<String, String> env(int port) {
    return Map.of(
        "S3_ENDPOINT_URL", "http://127.0.0.1:" + port,
        "AWS_REGION", "us-east-1",
        "AWS_ACCESS_KEY_ID", "test-key",
        "AWS_SECRET_ACCESS_KEY", "test-secret");
  }

  /**
   * A plain synchronous client (URL connection, not the toolkit's netty client) for test set-up.
   */
  public static S3Client testClient(int port) {
    return S3Client.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + port))
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test-key", "test-secret")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /**
   * Returns SHA-256 of every object under {@code prefix}, keyed by the key relative to the prefix.
   */
  static Map<String, String> objectDigests(S3Client client, String bucket, String prefix) {
    Map<String, String> digests = new TreeMap<>();
    for (S3Object object :
        client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + "/")).contents()) {
      try (InputStream in = client.getObject(b -> b.bucket(bucket).key(object.key()))) {
        digests.put(object.key().substring(prefix.length() + 1), sha256(in));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return digests;
  }

  /** Returns SHA-256 of every regular file under {@code dir}, keyed by its relative path. */
  static Map<String, String> fileDigests(Path dir) throws IOException {
    Map<String, String> digests = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          digests.put(dir.relativize(file).toString().replace('\\', '/'), sha256(in));
        }
      }
    }
    return digests;
  }

  static String sha256(InputStream in) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buffer = new byte[1 << 16];
    int n;
    while ((n = in.read(buffer)) != -1) {
      digest.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return sha256(in);
    }
  }
}
