package io.smtk.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import io.smtk.s3.FaultyProxy.Fault;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Tests for {@link IntermediateOutputSync} against S3Mock: every object is read back after stop.
 */
class IntermediateOutputSyncIntegrationTest {

  @RegisterExtension
  static final S3MockExtension S3_MOCK = S3MockSupport.extension(S3MockSupport.BUCKET);

  private static final Duration SETTLE = Duration.ofMillis(300);
  private static final Duration FLUSH_TIMEOUT = Duration.ofMinutes(2);

  private static S3Client testClient;
  private static int jobCounter;

  @TempDir Path tmp;

  private final List<String> log = new CopyOnWriteArrayList<>();
  private Path intermediate;
  private String jobPrefix;
  private S3Uri prefix;

  @BeforeAll
  static void client() {
    testClient = S3MockSupport.testClient(S3_MOCK.getHttpPort());
  }

  @AfterAll
  static void closeClient() {
    testClient.close();
  }

  @BeforeEach
  void layout() throws Exception {
    intermediate = tmp.resolve("opt/ml/output/intermediate");
    // A job name per test, so tests never see each other's objects.
    prefix =
        IntermediateOutputSync.prefixFor(
            S3Uri.parse("s3://bucket/outputs"), "job-" + (++jobCounter));
    jobPrefix = prefix.key();
  }

  private S3Clients clients() {
    return clients(S3_MOCK.getHttpPort());
  }

  private S3Clients clients(int port) {
    return S3Clients.create(S3Settings.fromEnvironment(S3MockSupport.env(port)), log::add);
  }

  private IntermediateOutputSync sync(S3Clients clients) {
    return IntermediateOutputSync.builder(intermediate, prefix, clients)
        .settleTime(SETTLE)
        .stagingDir(tmp.resolve("staging"))
        .build();
  }

  private byte[] object(String relative) {
    ResponseBytes<GetObjectResponse> bytes =
        testClient.getObjectAsBytes(
            b -> b.bucket(S3MockSupport.BUCKET).key(jobPrefix + "/" + relative));
    return bytes.asByteArray();
  }

  /**
   * Waits until the object exists with exactly {@code expected}; proves uploads happen while
   * training runs.
   */
  private void awaitObject(String relative, byte[] expected, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[] last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = object(relative);
        if (Arrays.equals(last, expected)) {
          return;
        }
      } catch (NoSuchKeyException e) {
        // not yet
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        relative
            + " not uploaded within "
            + timeout
            + (last == null ? "" : " (has " + last.length + " bytes)"));
  }

  private void assertS3MatchesFolder() throws IOException {
    assertThat(S3MockSupport.objectDigests(testClient, S3MockSupport.BUCKET, jobPrefix))
        .as("objects under %s equal the folder content byte for byte", prefix)
        .isEqualTo(S3MockSupport.fileDigests(intermediate));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void start_fileWrittenAndClosed_isUploadedWhileRunning() throws Exception {
    try (S3Clients clients = clients()) {
      IntermediateOutputSync sync = sync(clients);
      sync.start();
      Files.writeString(intermediate.resolve("metrics.json"), "{\"loss\": 0.5}");

      awaitObject("metrics.json", bytes("{\"loss\": 0.5}"), Duration.ofSeconds(10));

      SyncSummary summary = sync.stopAndFlush(FLUSH_TIMEOUT);
      assertThat(summary.complete()).isTrue();
      assertThat(summary.uploads()).isEqualTo(1);
    }
    assertS3MatchesFolder();
  }

  @Test
  void stopAndFlush_fileRewrittenManyTimes_finalContentWins() throws Exception {
    Path file = intermediate.resolve("checkpoint.txt");
    try (S3Clients clients = clients()) {
      IntermediateOutputSync sync = sync(clients);
      sync.start();
      Random random = new Random(3);
      for (int version = 1; version <= 40; version++) {
        Files.writeString(file, "version " + version + "\n" + "x".repeat(random.nextInt(50_000)));
        // Mostly faster than the settle time, sometimes slower, so some versions get uploaded.
        Thread.sleep(version % 10 == 0 ? SETTLE.toMillis() * 3 : 20);
      }
      String last = Files.readString(file);

      SyncSummary summary = sync.stopAndFlush(FLUSH_TIMEOUT);

      assertThat(summary.complete()).as(summary.toString()).isTrue();
      assertThat(summary.uploads()).as("intermediate versions were uploaded too").isGreaterThan(1);
      assertThat(new String(object("checkpoint.txt"), StandardCharsets.UTF_8)).isEqualTo(last);
    }
    assertS3MatchesFolder();
  }

  @Test
  void start_fileRenamedIn_isUploadedWhileRunning() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("scratch"));
    try (S3Clients clients = clients()) {
      IntermediateOutputSync sync = sync(clients);
      sync.start();
      Path written = Files.writeString(outside.resolve("model.tmp"), "weights v1");
      Files.move(written, intermediate.resolve("model.bin"), StandardCopyOption.ATOMIC_MOVE);
      // The usual atomic-replace pattern inside the tree: write a temp name, rename over the
      // target.
      Files.writeString(intermediate.resolve(".model.bin.tmp"), "weights v2");
      Files.move(
          intermediate.resolve(".model.bin.tmp"),
          intermediate.resolve("model.bin"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);

      awaitObject("model.bin", bytes("weights v2"), Duration.ofSeconds(10));

      assertThat(sync.stopAndFlush(FLUSH_TIMEOUT).complete()).isTrue();
    }
    assertS3MatchesFolder();
  }

  @Test
  void start_nestedFoldersCreatedLater_areWatchedAndUploaded() throws Exception {
    try (S3Clients clients = clients()) {
      IntermediateOutputSync sync = sync(clients);
      sync.start();
      Path deep = Files.createDirectories(intermediate.resolve("tb/run-1/plugins/profile"));
      Files.writeString(deep.resolve("trace.json"), "{}");
      awaitObject("tb/run-1/plugins/profile/trace.json", bytes("{}"), Duration.ofSeconds(10));
      // A file written later into a folder created earlier: needs the folder's own watch.
      Files.writeString(intermediate.resolve("tb/run-1/events.out"), "event 1");
      awaitObject("tb/run-1/events.out", bytes("event 1"), Duration.ofSeconds(10));
      // A whole tree prepared elsewhere and renamed in.
      Path tree = Files.createDirectories(tmp.resolve("prepared/a/b"));
      Files.writeString(tree.resolve("c.txt"), "moved tree");
      Files.move(
          tmp.resolve("prepared"),
          intermediate.resolve("prepared"),
          StandardCopyOption.ATOMIC_MOVE);
      awaitObject("prepared/a/b/c.txt", bytes("moved tree"), Duration.ofSeconds(10));
      Files.writeString(intermediate.resolve("prepared/a/b/later.txt"), "after the move");
      awaitObject("prepared/a/b/later.txt", bytes("after the move"), Duration.ofSeconds(10));

      assertThat(sync.stopAndFlush(FLUSH_TIMEOUT).complete()).isTrue();
    }
    assertS3MatchesFolder();
  }

  @Test
  void stopAndFlush_fileStillBeingWrittenWhenJobEnds_uploadsItsFinalContent() throws Exception {
    Path log = intermediate.resolve("logs/train.log");
    try (S3Clients clients = clients()) {
      // A long settle time: the flush must upload at once instead of waiting for the file to
      // settle.
      IntermediateOutputSync sync =
          IntermediateOutputSync.builder(intermediate, prefix, clients)
              .settleTime(Duration.ofSeconds(20))
              .stagingDir(tmp.resolve("staging"))
              .build();
      sync.start();
      Files.createDirectories(log.getParent());
      AtomicBoolean killed = new AtomicBoolean();
      Thread writer =
          new Thread(
              () -> {
                try (OutputStream out = Files.newOutputStream(log)) {
                  // Never pauses as long as the settle time: only the final flush can upload it.
                  for (int line = 0; !killed.get(); line++) {
                    out.write(bytes("step " + line + " loss " + (1.0 / (line + 1)) + "\n"));
                    out.flush();
                    Thread.sleep(10);
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      writer.start();
      Thread.sleep(1500);
      killed.set(true); // the training process is killed mid-write ...
      writer.join();

      SyncSummary summary = sync.stopAndFlush(FLUSH_TIMEOUT); // ... and the toolkit flushes at once

      assertThat(summary.complete()).as(summary.toString()).isTrue();
      assertThat(summary.flushTime()).isLessThan(Duration.ofSeconds(10));
      assertThat(object("logs/train.log")).isEqualTo(Files.readAllBytes(log));
    }
    assertS3MatchesFolder();
  }

  @Test
  void stopAndFlush_emptyFiles_areUploadedAsEmptyObjects() throws Exception {
    Files.createDirectories(intermediate.resolve("markers"));
    Files.createFile(intermediate.resolve("markers/before-start"));
    try (S3Clients clients = clients()) {
      IntermediateOutputSync sync = sync(clients);
      sync.start();
      Files.createFile(intermediate.resolve("markers/_SUCCESS"));
      Files.createFile(intermediate.resolve("empty-at-end"));

      assertThat(sync.stopAndFlush(FLUSH_TIMEOUT).complete()).isTrue();
    }
    assertThat(object("markers/before-start")).isEmpty();
    assertThat(object("markers/_SUCCESS")).isEmpty();
    assertThat(object("empty-at-end")).isEmpty();
    assertS3MatchesFolder();
  }

  @Test
  void stopAndFlush_largeFile_usesMultipartAndMatches() throws Exception {
    try (S3Clients clients = clients()) {
      IntermediateOutputSync sync =
          IntermediateOutputSync.builder(intermediate, prefix, clients)
              .settleTime(SETTLE)
              .stagingDir(tmp.resolve("staging"))
              .snapshotMaxBytes(16L * 1024 * 1024) // exercise the in-place path as well
              .build();
      sync.start();
      S3CodeDownloaderIntegrationTest.writeRandom(
          intermediate.resolve("big-copied.bin"), 12L << 20, 5);
      S3CodeDownloaderIntegrationTest.writeRandom(
          intermediate.resolve("big-in-place.bin"), 40L << 20, 6);

      SyncSummary summary = sync.stopAndFlush(FLUSH_TIMEOUT);

      assertThat(summary.complete()).as(summary.toString()).isTrue();
    }
    String eTag =
        testClient
            .headObject(b -> b.bucket(S3MockSupport.BUCKET).key(jobPrefix + "/big-in-place.bin"))
            .eTag();
    assertThat(eTag).as("a multipart ETag ends in -<parts>").matches("\"?[0-9a-f]+-5\"?");
    assertS3MatchesFolder();
  }

  @Test
  void start_fileRewrittenInPlaceWhileUploading_neverLeavesATornObject() throws Exception {
    Path file = intermediate.resolve("state.bin");
    int size = 3 << 20;
    List<String> torn = new ArrayList<>();
    try (S3Clients clients = clients()) {
      IntermediateOutputSync sync = sync(clients);
      sync.start();
      Random random = new Random(9);
      for (int version = 1; version <= 25; version++) {
        // Rewrite in place, in chunks: a reader at the wrong moment sees two versions mixed.
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) version);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
          for (int offset = 0; offset < size; offset += chunk.length) {
            raf.write(chunk);
          }
        }
        Thread.sleep(random.nextInt((int) SETTLE.toMillis() * 2));
        checkHomogeneous(torn);
      }

      assertThat(sync.stopAndFlush(FLUSH_TIMEOUT).complete()).isTrue();
    }
    checkHomogeneous(torn);
    assertThat(torn).as("objects mixing two versions").isEmpty();
    assertThat(object("state.bin")).containsOnly(25);
    assertS3MatchesFolder();
  }

  private void checkHomogeneous(List<String> torn) {
    byte[] object;
    try {
      object = object("state.bin");
    } catch (NoSuchKeyException e) {
      return;
    }
    for (byte b : object) {
      if (b != object[0]) {
        torn.add("mixed versions " + object[0] + " and " + b);
        return;
      }
    }
    if (object.length != 3 << 20) {
      torn.add("length " + object.length);
    }
  }

  @Test
  void stopAndFlush_connectionsResetAtFirst_retriesLoggedAndEverythingUploaded() throws Exception {
    List<Fault> faults =
        List.of(Fault.RESET_AFTER_REQUEST, Fault.SLOW_DOWN_503, Fault.RESET_MID_RESPONSE);
    try (FaultyProxy proxy = new FaultyProxy(S3_MOCK.getHttpPort(), faults);
        S3Clients clients = clients(proxy.port())) {
      IntermediateOutputSync sync = sync(clients);
      sync.start();
      for (int i = 0; i < 10; i++) {
        Files.writeString(intermediate.resolve("part-" + i + ".txt"), "part " + i);
      }
      S3CodeDownloaderIntegrationTest.writeRandom(
          intermediate.resolve("multipart.bin"), 20L << 20, 11);

      SyncSummary summary = sync.stopAndFlush(FLUSH_TIMEOUT);

      assertThat(summary.complete()).as(summary.toString()).isTrue();
      assertThat(proxy.faultsInjected()).isEqualTo(faults.size());
    }
    assertThat(log.stream().filter(l -> l.contains("retrying in"))).hasSizeGreaterThanOrEqualTo(2);
    assertS3MatchesFolder();
  }

  @Test
  void stopAndFlush_bucketMissing_reportsEveryFileWithTheS3ErrorCode() throws Exception {
    prefix = S3Uri.parse("s3://no-such-bucket/job/output/intermediate");
    try (S3Clients clients = clients()) {
      IntermediateOutputSync sync = sync(clients);
      sync.start();
      Files.writeString(intermediate.resolve("a.txt"), "a");
      Files.writeString(intermediate.resolve("b.txt"), "b");

      SyncSummary summary = sync.stopAndFlush(Duration.ofSeconds(30));

      assertThat(summary.complete()).isFalse();
      assertThat(summary.unsynced())
          .hasSize(2)
          .allMatch(line -> line.contains("NoSuchBucket"), "names the S3 error code");
      assertThat(summary.failedAttempts()).isGreaterThanOrEqualTo(2);
      assertThatThrownBy(summary::throwIfIncomplete)
          .isInstanceOf(IntermediateSyncException.class)
          .hasMessageContaining("s3://no-such-bucket/job/output/intermediate")
          .hasMessageContaining("a.txt")
          .hasMessageContaining("NoSuchBucket");
    }
  }

  @Test
  void stopAndFlush_calledTwice_returnsTheSameTotals() throws Exception {
    try (S3Clients clients = clients()) {
      IntermediateOutputSync sync = sync(clients);
      sync.start();
      Files.writeString(intermediate.resolve("x"), "x");

      SyncSummary first = sync.stopAndFlush(FLUSH_TIMEOUT);
      SyncSummary second = sync.stopAndFlush(FLUSH_TIMEOUT);

      assertThat(second.uploads()).isEqualTo(first.uploads()).isEqualTo(1);
    }
  }

  /** Opt-in (-Dsmtk.test.sparse5g=true): a 5 GiB sparse file, uploaded in place with multipart. */
  @Test
  @EnabledIfSystemProperty(named = "smtk.test.sparse5g", matches = "true")
  void stopAndFlush_fiveGiBSparseFile_isUploadedWhole() throws Exception {
    long size = 5L << 30;
    Path sparse = intermediate.resolve("sparse.bin");
    try (S3Clients clients = clients()) {
      IntermediateOutputSync sync = sync(clients);
      sync.start();
      try (var channel =
          Files.newByteChannel(sparse, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        channel.position(size - 5);
        channel.write(java.nio.ByteBuffer.wrap(bytes("tail!")));
      }
      long start = System.nanoTime();

      SyncSummary summary = sync.stopAndFlush(Duration.ofMinutes(10));

      System.out.printf(
          "5 GiB sparse file: flush %d ms, %s%n", (System.nanoTime() - start) / 1_000_000, summary);
      assertThat(summary.complete()).as(summary.toString()).isTrue();
    }
    var head =
        testClient.headObject(b -> b.bucket(S3MockSupport.BUCKET).key(jobPrefix + "/sparse.bin"));
    assertThat(head.contentLength()).isEqualTo(size);
    assertS3MatchesFolder();
  }
}
