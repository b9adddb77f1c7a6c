package io.smtk.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import io.smtk.s3.FaultyProxy.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Tests for the retries of {@link S3Clients}, through {@link FaultyProxy} in front of S3Mock. */
class S3FaultIntegrationTest {

  @RegisterExtension
  static final S3MockExtension S3_MOCK = S3MockSupport.extension(S3MockSupport.BUCKET);

  private static S3Client testClient;

  @TempDir Path tmp;

  private final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void client() {
    testClient = S3MockSupport.testClient(S3_MOCK.getHttpPort());
  }

  @AfterAll
  static void closeClient() {
    testClient.close();
  }

  private static Path randomObject(Path tmp, String key, long size) throws Exception {
    Path source = tmp.resolve(key.replace('/', '_'));
    S3CodeDownloaderIntegrationTest.writeRandom(source, size, key.hashCode());
    testClient.putObject(
        b -> b.bucket(S3MockSupport.BUCKET).key(key), RequestBody.fromFile(source));
    return source;
  }

  @Test
  void download_firstConnectionsResetOrThrottled_succeedsAndLogsEachRetry() throws Exception {
    Path source = randomObject(tmp, "faults/object.bin", 40L * 1024 * 1024);
    List<Fault> faults =
        List.of(
            Fault.RESET_ON_ACCEPT,
            Fault.RESET_AFTER_REQUEST,
            Fault.SLOW_DOWN_503,
            Fault.INTERNAL_ERROR_500,
            Fault.RESET_MID_RESPONSE);
    Path target = tmp.resolve("downloaded.bin");

    FaultyProxy proxy = new FaultyProxy(S3_MOCK.getHttpPort(), faults);
    try (proxy;
        S3Clients clients =
            S3Clients.create(
                S3Settings.fromEnvironment(S3MockSupport.env(proxy.port())), log::add)) {
      DownloadResult result =
          S3CodeDownloader.create(clients, tmp, log::add)
              .download(S3Uri.parse("s3://bucket/faults/object.bin"), target);

      assertThat(result.bytes()).isEqualTo(Files.size(source));
      assertThat(proxy.faultsInjected()).as(proxy.events().toString()).isEqualTo(faults.size());
    }
    assertThat(S3MockSupport.sha256(target)).isEqualTo(S3MockSupport.sha256(source));
    List<String> retries = log.stream().filter(l -> l.contains("retrying in")).toList();
    assertThat(retries)
        .as("a retry line per fault: %s %s", log, proxy.events())
        .hasSize(faults.size());
    assertThat(retries)
        .as("the three resets are network failures, without an HTTP status: %s", retries)
        .filteredOn(l -> !l.contains("HTTP "))
        .hasSize(3);
    assertThat(retries).anyMatch(l -> l.contains("SlowDown, HTTP 503"));
    assertThat(retries).anyMatch(l -> l.contains("InternalError, HTTP 500"));
    assertThat(retries).allMatch(l -> l.startsWith("S3 GetObject attempt "));
  }

  /** A gzip archive of three ranges or more: a 20 MiB random (incompressible) file and a script. */
  private static byte[] archiveOfSeveralRanges(Path tmp, String key) throws Exception {
    byte[] model = new byte[20 * 1024 * 1024];
    new java.util.Random(7).nextBytes(model);
    Path archive = tmp.resolve("several-ranges.tar.gz");
    try (io.smtk.archive.TarFixture tar = io.smtk.archive.TarFixture.gzip(archive)) {
      tar.file("train.py", "print('hi')\n").file("model/weights.bin", 0644, model);
    }
    testClient.putObject(
        b -> b.bucket(S3MockSupport.BUCKET).key(key), RequestBody.fromFile(archive));
    return model;
  }

  @Test
  void downloadAndExtract_laterRangesResetMidBody_extractsAsItDownloadsAfterRetries()
      throws Exception {
    byte[] model = archiveOfSeveralRanges(tmp, "faults/streamed.tar.gz");
    // The first range comes through; some later ranges break off mid-body and are fetched again
    // while the extractor already reads what came before them.
    List<Fault> faults = List.of(Fault.FORWARD, Fault.RESET_MID_RESPONSE, Fault.RESET_MID_RESPONSE);
    Path code = tmp.resolve("code");

    try (FaultyProxy proxy = new FaultyProxy(S3_MOCK.getHttpPort(), faults);
        S3Clients clients =
            S3Clients.create(
                S3Settings.fromEnvironment(S3MockSupport.env(proxy.port())), log::add)) {
      var result =
          S3CodeDownloader.create(clients, tmp.resolve("downloads"), log::add)
              .downloadAndExtract(S3Uri.parse("s3://bucket/faults/streamed.tar.gz"), code);

      assertThat(result.files()).isEqualTo(2);
      assertThat(proxy.faultsInjected()).as(proxy.events().toString()).isEqualTo(2);
    }
    assertThat(code.resolve("train.py")).hasContent("print('hi')");
    assertThat(Files.readAllBytes(code.resolve("model/weights.bin"))).isEqualTo(model);
    assertThat(log)
        .anyMatch(l -> l.startsWith("Extracted 2 files") && l.endsWith("(as it downloaded)"));
    assertThat(log.stream().filter(l -> l.contains("retrying in"))).hasSize(2);
    try (var left = Files.list(tmp.resolve("downloads"))) {
      assertThat(left).as("the downloaded archive is deleted").isEmpty();
    }
  }

  @Test
  void downloadAndExtract_laterRangesFail_throwsTheDownloadErrorAndExtractsNothing()
      throws Exception {
    archiveOfSeveralRanges(tmp, "faults/broken.tar.gz");
    // The first range comes through, every later connection answers 500: the extractor, already
    // reading, sees its stream break off; the job must see S3's error, and no code.
    List<Fault> faults = new java.util.ArrayList<>(List.of(Fault.FORWARD));
    faults.addAll(java.util.Collections.nCopies(50, Fault.INTERNAL_ERROR_500));
    Path code = tmp.resolve("code");

    try (FaultyProxy proxy = new FaultyProxy(S3_MOCK.getHttpPort(), faults);
        S3Clients clients =
            S3Clients.create(
                S3Settings.fromEnvironment(S3MockSupport.env(proxy.port())).withMaxAttempts(2),
                log::add)) {
      S3CodeDownloader downloader =
          S3CodeDownloader.create(clients, tmp.resolve("downloads"), log::add);

      assertThatThrownBy(
              () ->
                  downloader.downloadAndExtract(
                      S3Uri.parse("s3://bucket/faults/broken.tar.gz"), code))
          .isInstanceOfSatisfying(
              S3TransferException.class, e -> assertThat(e.errorCode()).contains("InternalError"))
          .hasMessageStartingWith(
              "Could not download s3://bucket/faults/broken.tar.gz: InternalError (HTTP 500)");
    }
    assertThat(code)
        .satisfiesAnyOf(c -> assertThat(c).doesNotExist(), c -> assertThat(c).isEmptyDirectory());
    try (var left = Files.list(tmp)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("no staging folder left beside the code folder")
          .noneMatch(name -> name.startsWith(".code.extract-"));
    }
    try (var left = Files.list(tmp.resolve("downloads"))) {
      assertThat(left).as("the downloaded archive is deleted").isEmpty();
    }
  }

  @Test
  void download_serverAlwaysFailing_givesUpAfterMaxAttemptsNamingUri() throws Exception {
    randomObject(tmp, "faults/small.bin", 1024);
    List<Fault> faults = java.util.Collections.nCopies(50, Fault.INTERNAL_ERROR_500);

    try (FaultyProxy proxy = new FaultyProxy(S3_MOCK.getHttpPort(), faults);
        S3Clients clients =
            S3Clients.create(
                S3Settings.fromEnvironment(S3MockSupport.env(proxy.port())).withMaxAttempts(3),
                log::add)) {
      S3CodeDownloader downloader = S3CodeDownloader.create(clients, tmp, log::add);

      assertThatThrownBy(
              () ->
                  downloader.download(
                      S3Uri.parse("s3://bucket/faults/small.bin"), tmp.resolve("x")))
          .isInstanceOfSatisfying(
              S3TransferException.class, e -> assertThat(e.errorCode()).contains("InternalError"))
          .hasMessageStartingWith(
              "Could not download s3://bucket/faults/small.bin: InternalError (HTTP 500)");
      assertThat(proxy.faultsInjected()).as("bounded: 3 attempts, no more").isEqualTo(3);
    }
    assertThat(tmp.resolve("x")).doesNotExist();
    assertThat(log.stream().filter(l -> l.contains("retrying in"))).hasSize(2);
  }

  @Test
  void download_connectionRefused_givesUpWithNetworkErrorNamingUri() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Map<String, String> env = S3MockSupport.env(closedPort);

    try (S3Clients clients =
        S3Clients.create(S3Settings.fromEnvironment(env).withMaxAttempts(2), log::add)) {
      S3CodeDownloader downloader = S3CodeDownloader.create(clients, tmp, log::add);

      assertThatThrownBy(
              () -> downloader.download(S3Uri.parse("s3://bucket/key"), tmp.resolve("x")))
          .isInstanceOfSatisfying(
              S3TransferException.class, e -> assertThat(e.errorCode()).isEmpty())
          .hasMessageStartingWith("Could not download s3://bucket/key after 2 attempts")
          // The words are the HTTP client's ("Connection refused" from the JDK's socket).
          .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase("connection refused"));
    }
    assertThat(log)
        .anyMatch(
            l ->
                l.contains("attempt 1 of 2 failed")
                    && l.toLowerCase(Locale.ROOT).contains("connection refused"));
  }
}
