package io.smtk.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import io.smtk.archive.ArchiveExtractionException;
import io.smtk.archive.ExtractionResult;
import io.smtk.archive.TarFixture;
import io.smtk.archive.UnsafeArchiveEntryException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Tests for {@link S3CodeDownloader} against S3Mock. */
class S3CodeDownloaderIntegrationTest {

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

  private S3Clients clients() {
    return S3Clients.create(
        S3Settings.fromEnvironment(S3MockSupport.env(S3_MOCK.getHttpPort())), log::add);
  }

  private S3CodeDownloader downloader(S3Clients clients) {
    return S3CodeDownloader.create(clients, tmp.resolve("downloads"), log::add);
  }

  private void put(String key, Path file) {
    testClient.putObject(b -> b.bucket(S3MockSupport.BUCKET).key(key), RequestBody.fromFile(file));
  }

  @Test
  void downloadAndExtract_sourceTarball_extractsFilesModesAndNestedFolders() throws Exception {
    Path archive = tmp.resolve("sourcedir.tar.gz");
    byte[] model = new byte[300_000];
    new Random(1).nextBytes(model);
    try (TarFixture tar = TarFixture.gzip(archive)) {
      tar.file("train.py", "import sys\nprint(sys.argv)\n")
          .file("requirements.txt", "numpy\n")
          .file(
              "scripts/launch.sh",
              0755,
              "#!/bin/sh\nexec python3 train.py \"$@\"\n".getBytes(StandardCharsets.UTF_8))
          .file("pkg/__init__.py", "")
          .file("pkg/models/deep/weights.bin", 0640, model);
    }
    put("jobs/job-1/source/sourcedir.tar.gz", archive);
    Path code = tmp.resolve("opt/ml/code");

    ExtractionResult result;
    try (S3Clients clients = clients()) {
      result =
          downloader(clients)
              .downloadAndExtract(
                  S3Uri.parse("s3://bucket/jobs/job-1/source/sourcedir.tar.gz"), code);
    }

    assertThat(result.files()).isEqualTo(5);
    assertThat(code.resolve("train.py")).hasContent("import sys\nprint(sys.argv)");
    assertThat(code.resolve("requirements.txt")).hasContent("numpy");
    assertThat(Files.readAllBytes(code.resolve("pkg/models/deep/weights.bin"))).isEqualTo(model);
    assertThat(Files.isExecutable(code.resolve("scripts/launch.sh"))).isTrue();
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(
                    code.resolve("scripts/launch.sh"), LinkOption.NOFOLLOW_LINKS)))
        .isEqualTo("rwxr-xr-x");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(code.resolve("pkg/models/deep/weights.bin"))))
        .isEqualTo("rw-r-----");
    try (Stream<Path> left = Files.list(tmp.resolve("downloads"))) {
      assertThat(left).as("the downloaded archive is deleted").isEmpty();
    }
    assertThat(log).anyMatch(line -> line.startsWith("Extracted 5 files"));
  }

  @Test
  void download_200MiBObject_isFetchedInParallelRangesWithMatchingChecksum() throws Exception {
    Path source = tmp.resolve("big.bin");
    long size = 200L * 1024 * 1024;
    writeRandom(source, size, 7);
    put("big/object.bin", source);
    String expected = S3MockSupport.sha256(source);
    Path target = tmp.resolve("fetched.bin");

    DownloadResult result;
    try (S3Clients clients = clients()) {
      result = downloader(clients).download(S3Uri.parse("s3://bucket/big/object.bin"), target);
    }

    assertThat(result.bytes()).isEqualTo(size);
    assertThat(result.ranges()).isEqualTo(25);
    assertThat(Files.size(target)).isEqualTo(size);
    assertThat(S3MockSupport.sha256(target)).isEqualTo(expected);
    List<String> progress = log.stream().filter(l -> l.contains("%")).toList();
    assertThat(progress)
        .as("progress is logged at intervals, not per chunk: %s", progress)
        .isNotEmpty()
        .hasSizeLessThanOrEqualTo(20);
    System.out.printf(
        "200 MiB download against S3Mock: %.1f MiB/s (%d ms)%n",
        result.mebibytesPerSecond(), result.elapsed().toMillis());
  }

  @Test
  void download_emptyObject_givesEmptyFile() throws Exception {
    testClient.putObject(b -> b.bucket(S3MockSupport.BUCKET).key("empty"), RequestBody.empty());
    Path target = tmp.resolve("empty.bin");

    try (S3Clients clients = clients()) {
      downloader(clients).download(S3Uri.parse("s3://bucket/empty"), target);
    }

    assertThat(target).isEmptyFile();
  }

  @Test
  void downloadAndExtract_missingKey_throwsNamingUriAndNoSuchKey() throws Exception {
    Path code = tmp.resolve("code");
    try (S3Clients clients = clients()) {
      S3CodeDownloader downloader = downloader(clients);
      S3Uri uri = S3Uri.parse("s3://bucket/no/such/sourcedir.tar.gz");

      assertThatThrownBy(() -> downloader.downloadAndExtract(uri, code))
          .isInstanceOfSatisfying(
              S3TransferException.class,
              e -> {
                assertThat(e.errorCode()).contains("NoSuchKey");
                assertThat(e.statusCode()).hasValue(404);
                assertThat(e.uri()).isEqualTo("s3://bucket/no/such/sourcedir.tar.gz");
              })
          .hasMessageStartingWith(
              "Could not download s3://bucket/no/such/sourcedir.tar.gz: NoSuchKey (HTTP 404)");
    }
    assertThat(code).doesNotExist();
    assertThat(log).as("permanent errors are not retried").noneMatch(l -> l.contains("retrying"));
  }

  @Test
  void downloadAndExtract_missingBucket_throwsNamingUriAndNoSuchBucket() throws Exception {
    try (S3Clients clients = clients()) {
      S3CodeDownloader downloader = downloader(clients);
      S3Uri uri = S3Uri.parse("s3://no-such-bucket/sourcedir.tar.gz");

      assertThatThrownBy(() -> downloader.downloadAndExtract(uri, tmp.resolve("code")))
          .isInstanceOfSatisfying(
              S3TransferException.class, e -> assertThat(e.errorCode()).contains("NoSuchBucket"))
          .hasMessageStartingWith(
              "Could not download s3://no-such-bucket/sourcedir.tar.gz: NoSuchBucket (HTTP 404)")
          .satisfies(
              e ->
                  assertThat(((S3TransferException) e).failureReason())
                      .startsWith("S3TransferException: Could not download s3://no-such-bucket/"));
    }
    assertThat(log).noneMatch(l -> l.contains("retrying"));
  }

  @Test
  void downloadAndExtract_traversalTarball_isRefusedAndNothingExtracted() throws Exception {
    Path archive = tmp.resolve("evil.tar.gz");
    try (TarFixture tar = TarFixture.gzip(archive)) {
      tar.file("train.py", "ok").file("../../etc/cron.d/evil", "* * * * * root sh");
    }
    put("evil.tar.gz", archive);
    Path code = tmp.resolve("code");

    try (S3Clients clients = clients()) {
      S3CodeDownloader downloader = downloader(clients);
      assertThatThrownBy(
              () -> downloader.downloadAndExtract(S3Uri.parse("s3://bucket/evil.tar.gz"), code))
          .isInstanceOf(UnsafeArchiveEntryException.class)
          .hasMessageContaining("'../../etc/cron.d/evil'");
    }
    assertThat(code).doesNotExist();
  }

  @Test
  void downloadAndExtract_objectIsNotAnArchive_throwsAndLeavesCodeDirEmpty() throws Exception {
    Path text = tmp.resolve("readme.txt");
    Files.writeString(text, "not a tarball\n".repeat(100));
    put("readme.tar.gz", text);
    Path code = Files.createDirectories(tmp.resolve("code"));

    try (S3Clients clients = clients()) {
      S3CodeDownloader downloader = downloader(clients);
      assertThatThrownBy(
              () -> downloader.downloadAndExtract(S3Uri.parse("s3://bucket/readme.tar.gz"), code))
          .isInstanceOf(ArchiveExtractionException.class)
          .hasMessageContaining("Not a gzip-compressed or plain tar archive");
    }
    try (Stream<Path> list = Files.list(code)) {
      assertThat(list).isEmpty();
    }
  }

  @Test
  void download_prefixInsteadOfObject_throwsInvalidUri() throws Exception {
    try (S3Clients clients = clients()) {
      S3CodeDownloader downloader = downloader(clients);
      assertThatThrownBy(
              () -> downloader.download(S3Uri.parse("s3://bucket/dir/"), tmp.resolve("x")))
          .isInstanceOf(InvalidS3UriException.class)
          .hasMessageContaining("expected an object key");
    }
  }

  static void writeRandom(Path file, long size, long seed) throws IOException {
    Random random = new Random(seed);
    byte[] buffer = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < size; written += buffer.length) {
        random.nextBytes(buffer);
        out.write(buffer, 0, (int) Math.min(buffer.length, size - written));
      }
    }
  }
}
