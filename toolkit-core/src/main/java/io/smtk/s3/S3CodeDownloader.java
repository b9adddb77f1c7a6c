package io.smtk.s3;

import io.smtk.ToolkitException;
import io.smtk.archive.ArchiveExtractionException;
import io.smtk.archive.ExtractionResult;
import io.smtk.archive.SafeTarExtractor;
import io.smtk.process.StopCheck;
import io.smtk.process.TrainingStoppedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.FileTransformerConfiguration;
import software.amazon.awssdk.core.FileTransformerConfiguration.FailureBehavior;
import software.amazon.awssdk.core.FileTransformerConfiguration.FileWriteOption;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Downloads the user's code ({@code sagemaker_submit_directory=s3://bucket/key/sourcedir.tar.gz})
 * and extracts it safely into the code directory.
 *
 * <p>The object is fetched with ranged GETs of {@link S3Settings#partSizeBytes()} bytes, up to a
 * quarter of {@link S3Settings#maxConcurrency()} at a time, each written at its offset of one file;
 * the first range also tells the object's size and ETag, and the others are conditional on that
 * ETag, so an object replaced mid-download fails instead of mixing two versions. (The SDK's own
 * parallel download splits by multipart part numbers, which gives one request for an object
 * uploaded in one PUT.) Progress is logged every 10% or every 5 seconds. Retries are those of
 * {@link S3Clients}.
 *
 * <p>When the code directory is not empty (code baked into the image) and a submit directory is
 * given too, the Python toolkit silently skips the download. Here the submitted code wins: each
 * top-level entry of the archive replaces the entry of the same name whole, the other entries are
 * kept, and a warning names the directory and the replaced entries.
 */
public final class S3CodeDownloader {

  private static final Logger LOG = LoggerFactory.getLogger(S3CodeDownloader.class);

  private final S3Clients clients;
  private final Path tempDir;
  private final Consumer<String> log;
  private final StopCheck stop;
  private final SafeTarExtractor extractor;

  private S3CodeDownloader(
      S3Clients clients,
      Path tempDir,
      Consumer<String> log,
      StopCheck stop,
      SafeTarExtractor extractor) {
    this.clients = clients;
    this.tempDir = tempDir;
    this.log = log;
    this.stop = stop;
    this.extractor = extractor;
  }

  /**
   * Returns a downloader that stages archives in {@code java.io.tmpdir} and logs through slf4j.
   *
   * @param clients the job's S3 clients (created on first download)
   * @return the downloader
   */
  public static S3CodeDownloader create(S3Clients clients) {
    return new S3CodeDownloader(
        clients, null, LOG::info, StopCheck.NEVER, SafeTarExtractor.create());
  }

  /**
   * Returns a downloader that stages archives in {@code tempDir} and sends its progress lines to
   * {@code log}.
   *
   * @param clients the job's S3 clients (created on first download)
   * @param tempDir where the downloaded archive is kept until it is extracted
   * @param log receives progress and summary lines
   * @return the downloader
   */
  public static S3CodeDownloader create(S3Clients clients, Path tempDir, Consumer<String> log) {
    return new S3CodeDownloader(clients, tempDir, log, StopCheck.NEVER, SafeTarExtractor.create());
  }

  /**
   * Returns this downloader, stopped by {@code stop}: it asks every {@link StopCheck#POLL} while
   * downloading and extracting, and then cancels the transfer and deletes what it wrote.
   *
   * @param stop the job's stop check
   * @return the downloader
   */
  public S3CodeDownloader stoppedBy(StopCheck stop) {
    return new S3CodeDownloader(clients, tempDir, log, stop, extractor.stoppedBy(stop));
  }

  /**
   * Returns this downloader, refusing an archive that unpacks to more than {@code
   * maxUnpackedBytes}.
   *
   * @param maxUnpackedBytes the most bytes of file content
   * @param setting what sets the limit, named in the refusal
   * @return the downloader
   */
  public S3CodeDownloader withLimit(long maxUnpackedBytes, String setting) {
    return new S3CodeDownloader(
        clients, tempDir, log, stop, extractor.withLimit(maxUnpackedBytes, setting));
  }

  /**
   * Downloads {@code uri} and extracts it into {@code codeDir} (see the class comment for a
   * non-empty directory). Nothing is extracted unless the whole archive was downloaded and read.
   *
   * @param uri the archive, a gzip-compressed or plain tar
   * @param codeDir the code directory, created if missing
   * @return what was extracted
   * @throws InvalidS3UriException if {@code uri} names a bucket or prefix instead of an object
   * @throws S3TransferException if the download fails; the message names the URI and S3's error
   *     code
   * @throws ArchiveExtractionException if the object is not a valid archive or holds unsafe entries
   */
  public ExtractionResult downloadAndExtract(S3Uri uri, Path codeDir) throws ToolkitException {
    Path archive;
    try {
      archive =
          tempDir == null
              ? Files.createTempFile("smtk-code-", ".tar.gz")
              : Files.createTempFile(Files.createDirectories(tempDir), "smtk-code-", ".tar.gz");
    } catch (IOException e) {
      throw new ToolkitException("Cannot create a temporary file to download " + uri + ": " + e, e);
    }
    try {
      download(uri, archive);
      warnIfNotEmpty(uri, codeDir);
      long start = System.nanoTime();
      ExtractionResult result = extractor.extract(archive, codeDir);
      long nanos = System.nanoTime() - start;
      if (!result.replacedEntries().isEmpty()) {
        LOG.warn("{} replaced these entries of {}: {}", uri, codeDir, result.replacedEntries());
      }
      log.accept(
          "Extracted "
              + result.files()
              + " files ("
              + TransferProgress.size(result.bytes())
              + ") from "
              + uri
              + " into "
              + codeDir
              + " in "
              + Duration.ofNanos(nanos).toMillis()
              + " ms");
      return result;
    } finally {
      try {
        Files.deleteIfExists(archive);
      } catch (IOException e) {
        LOG.debug("Could not delete {}", archive, e);
      }
    }
  }

  private void warnIfNotEmpty(S3Uri uri, Path codeDir) {
    if (!Files.isDirectory(codeDir)) {
      return;
    }
    try (Stream<Path> entries = Files.list(codeDir)) {
      long count = entries.count();
      if (count > 0) {
        LOG.warn(
            "Code directory {} is not empty ({} entries) and sagemaker_submit_directory is {}: the"
                + " archive's top-level entries replace those of the same name, the others are"
                + " kept",
            codeDir,
            count,
            uri);
      }
    } catch (IOException e) {
      LOG.debug("Could not list {}", codeDir, e);
    }
  }

  /**
   * Downloads one object into {@code destination}, replacing it; on failure the file is deleted.
   *
   * @param uri the object
   * @param destination the file to write
   * @return size, ranges and timing of the download
   * @throws InvalidS3UriException if {@code uri} names a bucket or prefix instead of an object
   * @throws S3TransferException if the download fails; the message names the URI and S3's error
   *     code
   */
  public DownloadResult download(S3Uri uri, Path destination) throws ToolkitException {
    if (uri.key().isEmpty() || uri.key().endsWith("/")) {
      throw new InvalidS3UriException(
          uri.toString(), "expected an object key, not a bucket or prefix");
    }
    long start = System.nanoTime();
    try {
      return fetch(uri, destination, start);
    } catch (ToolkitException | RuntimeException e) {
      deleteQuietly(destination);
      throw e;
    }
  }

  private DownloadResult fetch(S3Uri uri, Path destination, long start)
      throws S3TransferException, TrainingStoppedException {
    S3AsyncClient client = clients.client();
    long partSize = clients.settings().partSizeBytes();
    GetObjectResponse first;
    CountingFileTransformer firstPart =
        new CountingFileTransformer(
            AsyncResponseTransformer.toFile(
                destination,
                FileTransformerConfiguration.builder()
                    .fileWriteOption(FileWriteOption.CREATE_OR_REPLACE_EXISTING)
                    .failureBehavior(FailureBehavior.LEAVE)
                    .build()),
            null);
    try {
      first = await(client.getObject(request(uri, 0, partSize, null), firstPart), uri);
    } catch (S3TransferException e) {
      if (!"InvalidRange".equals(e.errorCode().orElse(null))) {
        throw e;
      }
      // S3 answers 416 to a range over an empty object; fetch it whole.
      GetObjectResponse whole =
          await(
              client.getObject(
                  GetObjectRequest.builder().bucket(uri.bucket()).key(uri.key()).build(),
                  AsyncResponseTransformer.toFile(
                      destination, FileTransformerConfiguration.defaultCreateOrReplaceExisting())),
              uri);
      return finish(uri, destination, whole.contentLength(), 1, start);
    }
    long total = totalSize(first);
    if (total <= partSize || first.contentRange() == null) {
      return finish(uri, destination, total, 1, start);
    }

    int ranges = (int) ((total + partSize - 1) / partSize);
    int lanes = Math.max(1, Math.min(ranges - 1, clients.settings().maxConcurrency() / 4));
    TransferProgress progress = new TransferProgress("Downloading " + uri, total, start, log);
    log.accept(
        "Downloading "
            + uri
            + " ("
            + TransferProgress.size(total)
            + ") in "
            + ranges
            + " ranges of "
            + TransferProgress.size(partSize)
            + ", "
            + lanes
            + " at a time");
    progress.add(firstPart.bytes());
    RangedDownload download =
        new RangedDownload(client, uri, destination, first.eTag(), partSize, total, progress);
    CompletableFuture<Void> all = download.start(lanes);
    try {
      await(all, uri);
    } catch (TrainingStoppedException e) {
      download.cancel();
      throw e;
    }
    return finish(uri, destination, total, ranges, start);
  }

  /**
   * The ranges after the first: several lanes each fetch the next free range until none is left,
   * and stop taking new ranges once one has failed.
   */
  private static final class RangedDownload {
    private final S3AsyncClient client;
    private final S3Uri uri;
    private final Path destination;
    private final String eTag;
    private final long partSize;
    private final long total;
    private final int ranges;
    private final TransferProgress progress;
    private final AtomicInteger next = new AtomicInteger(1);
    private final AtomicBoolean failed = new AtomicBoolean();
    private final List<CompletableFuture<GetObjectResponse>> requests =
        new java.util.concurrent.CopyOnWriteArrayList<>();

    RangedDownload(
        S3AsyncClient client,
        S3Uri uri,
        Path destination,
        String eTag,
        long partSize,
        long total,
        TransferProgress progress) {
      this.client = client;
      this.uri = uri;
      this.destination = destination;
      this.eTag = eTag;
      this.partSize = partSize;
      this.total = total;
      this.ranges = (int) ((total + partSize - 1) / partSize);
      this.progress = progress;
    }

    /** Takes no further range and cancels the requests in flight (a stop). */
    void cancel() {
      failed.set(true);
      requests.forEach(request -> request.cancel(true));
    }

    CompletableFuture<Void> start(int lanes) {
      List<CompletableFuture<Void>> running = new ArrayList<>();
      for (int i = 0; i < lanes; i++) {
        running.add(lane());
      }
      // allOf completes only when every lane has stopped, so no write is still running on failure.
      return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> lane() {
      int index = next.getAndIncrement();
      if (index >= ranges || failed.get()) {
        return CompletableFuture.completedFuture(null);
      }
      long offset = index * partSize;
      long length = Math.min(partSize, total - offset);
      CountingFileTransformer transformer =
          new CountingFileTransformer(
              AsyncResponseTransformer.toFile(
                  destination,
                  FileTransformerConfiguration.builder()
                      .fileWriteOption(FileWriteOption.WRITE_TO_POSITION)
                      .position(offset)
                      .failureBehavior(FailureBehavior.LEAVE)
                      .build()),
              progress);
      CompletableFuture<GetObjectResponse> request =
          client.getObject(request(uri, offset, length, eTag), transformer);
      requests.add(request);
      return request
          .whenComplete(
              (response, error) -> {
                if (error != null) {
                  failed.set(true);
                }
              })
          .thenCompose(response -> lane());
    }
  }

  private static GetObjectRequest request(S3Uri uri, long offset, long length, String eTag) {
    GetObjectRequest.Builder builder =
        GetObjectRequest.builder()
            .bucket(uri.bucket())
            .key(uri.key())
            .range("bytes=" + offset + "-" + (offset + length - 1));
    if (eTag != null) {
      builder.ifMatch(eTag);
    }
    return builder.build();
  }

  private static long totalSize(GetObjectResponse response) {
    String range = response.contentRange();
    if (range != null) {
      int slash = range.lastIndexOf('/');
      if (slash > 0 && !range.endsWith("*")) {
        return Long.parseLong(range.substring(slash + 1).trim());
      }
    }
    // No Content-Range: the server sent the whole object.
    return response.contentLength();
  }

  private DownloadResult finish(S3Uri uri, Path destination, long total, int ranges, long start)
      throws S3TransferException {
    long size;
    try {
      size = Files.size(destination);
    } catch (IOException e) {
      throw new S3TransferException(
          "Could not download "
              + uri
              + ": the downloaded file "
              + destination
              + " is unreadable: "
              + e,
          uri.toString(),
          null,
          0,
          e);
    }
    if (size != total) {
      throw new S3TransferException(
          "Could not download " + uri + ": got " + size + " bytes, expected " + total,
          uri.toString(),
          null,
          0,
          null);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    DownloadResult result = new DownloadResult(uri, destination, total, ranges, elapsed);
    log.accept(
        "Downloaded "
            + uri
            + " ("
            + TransferProgress.size(total)
            + ") in "
            + elapsed.toMillis()
            + " ms, "
            + TransferProgress.rate(total, elapsed.toNanos()));
    return result;
  }

  private <T> T await(CompletableFuture<T> future, S3Uri uri)
      throws S3TransferException, TrainingStoppedException {
    String detail = "while downloading " + uri;
    try {
      while (true) {
        try {
          stop.checkStopped(detail);
        } catch (TrainingStoppedException e) {
          future.cancel(true);
          throw e;
        }
        try {
          return future.get(StopCheck.POLL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // Still running: ask again whether to stop.
        }
      }
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new S3TransferException(
          "Download of " + uri + " was interrupted", uri.toString(), null, 0, e);
    } catch (ExecutionException e) {
      Throwable cause = S3Failures.unwrap(e);
      if (cause instanceof S3Exception s3 && s3.statusCode() == 412) {
        throw new S3TransferException(
            "Could not download "
                + uri
                + ": the object changed while it was being downloaded"
                + " (PreconditionFailed, HTTP 412)",
            uri.toString(),
            "PreconditionFailed",
            412,
            cause);
      }
      throw S3Failures.toException("download", uri, e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.debug("Could not delete {}", file, e);
    }
  }
}
