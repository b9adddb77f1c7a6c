package io.smtk.s3.bench;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import io.smtk.archive.ExtractionResult;
import io.smtk.archive.SafeTarExtractor;
import io.smtk.archive.TarFixture;
import io.smtk.s3.DownloadResult;
import io.smtk.s3.IntermediateOutputSync;
import io.smtk.s3.S3Clients;
import io.smtk.s3.S3CodeDownloader;
import io.smtk.s3.S3MockSupport;
import io.smtk.s3.S3Settings;
import io.smtk.s3.S3Uri;
import io.smtk.s3.SyncSummary;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Measures download+extract of a 200 MB source tarball (20,000 small files and a few large ones)
 * and intermediate-output upload throughput against S3Mock on loopback, each next to a
 * one-request-at-a-time reference. Not a test: run with {@code mvn -pl toolkit-core test-compile
 * exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.smtk.s3.bench.S3TransferBenchmark},
 * optionally with {@code -Dsmtk.bench.dir=/dev/shm} for the work files (S3Mock keeps its store in
 * java.io.tmpdir).
 */
public final class S3TransferBenchmark {

  private static final int SMALL_FILES = 20_000;
  private static final int LARGE_FILES = 3;
  private static final long LARGE_FILE_BYTES = 40L << 20;
  private static final double MB = 1_000_000.0;

  private S3TransferBenchmark() {}

  public static void main(String[] args) throws Exception {
    // -Dsmtk.bench.dir=/dev/shm separates the toolkit's cost from a busy disk's.
    Path work =
        Files.createTempDirectory(
            Path.of(System.getProperty("smtk.bench.dir", System.getProperty("java.io.tmpdir"))),
            "smtk-bench-");
    S3MockExtension mock = S3MockSupport.extension(S3MockSupport.BUCKET);
    mock.start();
    try (S3Client client = S3MockSupport.testClient(mock.getHttpPort())) {
      S3Settings settings = S3Settings.fromEnvironment(S3MockSupport.env(mock.getHttpPort()));
      benchmarkDownload(work, client, settings);
      benchmarkSync(work, settings);
    } finally {
      mock.stop();
      deleteTree(work);
    }
  }

  private static void benchmarkDownload(Path work, S3Client client, S3Settings settings)
      throws Exception {
    Path tarball = work.resolve("sourcedir.tar.gz");
    long content = writeSourceTarball(tarball);
    long tarBytes = Files.size(tarball);
    client.putObject(
        b -> b.bucket(S3MockSupport.BUCKET).key("bench/sourcedir.tar.gz"),
        RequestBody.fromFile(tarball));
    S3Uri uri = S3Uri.parse("s3://bucket/bench/sourcedir.tar.gz");
    System.out.printf(
        Locale.ROOT,
        "tarball: %d small + %d large files, %.1f MB content, %.1f MB compressed%n",
        SMALL_FILES,
        LARGE_FILES,
        content / MB,
        tarBytes / MB);

    // Warm-up: class loading and JIT, not measured.
    runDownloadAndExtract(work, settings, uri, "warmup");
    for (int run = 1; run <= 2; run++) {
      report(
          "parallel ranges (16 lanes)",
          tarBytes,
          runDownloadAndExtract(work, settings, uri, "p" + run));
      report(
          "reference: one request at a time",
          tarBytes,
          runDownloadAndExtract(work, settings.withMaxConcurrency(4), uri, "s" + run));
    }
  }

  private static long[] runDownloadAndExtract(Path work, S3Settings settings, S3Uri uri, String tag)
      throws Exception {
    Path archive = work.resolve("dl-" + tag + ".tar.gz");
    Path code = work.resolve("code-" + tag);
    try (S3Clients clients = S3Clients.create(settings, line -> {})) {
      long start = System.nanoTime();
      DownloadResult download =
          S3CodeDownloader.create(clients, work, line -> {}).download(uri, archive);
      long downloaded = System.nanoTime();
      ExtractionResult result = SafeTarExtractor.create().extract(archive, code);
      long extracted = System.nanoTime();
      if (result.files() != SMALL_FILES + LARGE_FILES || download.bytes() != Files.size(archive)) {
        throw new IllegalStateException("unexpected result " + result);
      }
      return new long[] {downloaded - start, extracted - downloaded};
    } finally {
      Files.deleteIfExists(archive);
      deleteTree(code);
    }
  }

  private static void report(String label, long bytes, long[] nanos) {
    double download = nanos[0] / 1e9;
    double extract = nanos[1] / 1e9;
    System.out.printf(
        Locale.ROOT,
        "download+extract, %-34s download %5.2f s (%6.1f MB/s), extract %5.2f s, total %5.2f s ="
            + " %6.1f MB/s%n",
        label + ":",
        download,
        bytes / MB / download,
        extract,
        download + extract,
        bytes / MB / (download + extract));
  }

  private static long writeSourceTarball(Path tarball) throws IOException {
    Random random = new Random(42);
    long content = 0;
    try (TarFixture tar = TarFixture.gzip(tarball)) {
      for (int i = 0; i < SMALL_FILES; i++) {
        byte[] data = new byte[512 + random.nextInt(8 * 1024)];
        random.nextBytes(data);
        tar.file(String.format(Locale.ROOT, "pkg%03d/module%05d.py", i % 200, i), 0644, data);
        content += data.length;
      }
      for (int i = 0; i < LARGE_FILES; i++) {
        tar.file(
            "data/large" + i + ".bin",
            0644,
            LARGE_FILE_BYTES,
            out -> writeRandom(out, LARGE_FILE_BYTES, random));
        content += LARGE_FILE_BYTES;
      }
    }
    return content;
  }

  private static void benchmarkSync(Path work, S3Settings settings) throws Exception {
    for (int run = 1; run <= 2; run++) {
      syncOnce(work, settings, 8, "parallel (8 files at a time, multipart)", run);
      syncOnce(work, settings, 1, "reference: one file at a time", run);
    }
  }

  private static void syncOnce(
      Path work, S3Settings settings, int concurrency, String label, int run) throws Exception {
    Path dir = work.resolve("intermediate-" + concurrency + "-" + run);
    Random random = new Random(run);
    long bytes = 0;
    for (int i = 0; i < 1000; i++) {
      Path file = dir.resolve("events/e" + (i % 10) + "/f" + i + ".bin");
      Files.createDirectories(file.getParent());
      byte[] data = new byte[1024 + random.nextInt(32 * 1024)];
      random.nextBytes(data);
      Files.write(file, data);
      bytes += data.length;
    }
    for (int i = 0; i < 4; i++) {
      try (OutputStream out = Files.newOutputStream(dir.resolve("checkpoint-" + i + ".pt"))) {
        writeRandom(out, 40L << 20, random);
      }
      bytes += 40L << 20;
    }
    try (S3Clients clients = S3Clients.create(settings, line -> {})) {
      IntermediateOutputSync sync =
          IntermediateOutputSync.builder(
                  dir, S3Uri.parse("s3://bucket/sync/" + concurrency + "-" + run), clients)
              .uploadConcurrency(concurrency)
              .stagingDir(work.resolve("staging"))
              .build();
      long start = System.nanoTime();
      sync.start();
      // Everything is already on disk: the flush uploads it at once, so this times the uploads.
      SyncSummary summary = sync.stopAndFlush(Duration.ofMinutes(10));
      double seconds = (System.nanoTime() - start) / 1e9;
      if (!summary.complete()) {
        throw new IllegalStateException(summary.toString());
      }
      System.out.printf(
          Locale.ROOT,
          "sync upload, %-40s %d files, %.1f MB in %5.2f s = %6.1f MB/s%n",
          label + ":",
          summary.uploads(),
          bytes / MB,
          seconds,
          bytes / MB / seconds);
    } finally {
      deleteTree(dir);
    }
  }

  private static void writeRandom(OutputStream out, long size, Random random) throws IOException {
    byte[] buffer = new byte[1 << 20];
    for (long written = 0; written < size; written += buffer.length) {
      random.nextBytes(buffer);
      out.write(buffer, 0, (int) Math.min(buffer.length, size - written));
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
