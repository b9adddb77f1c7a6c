package io.smtk.s3;

import io.smtk.ToolkitException;
import io.smtk.archive.ArchiveExtractionException;
import io.smtk.archive.ExtractionResult;
import io.smtk.archive.SafeTarExtractor;
import io.smtk.process.StopCheck;
import io.smtk.process.TrainingStoppedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.NonRetryableException;
import software.amazon.awssdk.core.exception.RetryableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Downloads the user's code ({@code sagemaker_submit_directory=s3://bucket/key/sourcedir.tar.gz})
 * and extracts it safely into the code directory.
 *
 * <p>The object is fetched with ranged GETs of {@link S3Settings#partSizeBytes()} bytes, up to a
 * quarter of {@link S3Settings#maxConcurrency()} at a time on the synchronous client of {@link
 * S3Clients} (all Java: no native library to load for the one download most jobs make), each
 * written at its offset of one file; the first range also tells the object's size and ETag, and the
 * others are conditional on that ETag, so an object replaced mid-download fails instead of mixing
 * two versions. (The SDK's own parallel download splits by multipart part numbers, which gives one
 * request for an object uploaded in one PUT.) Progress is logged every 10% or every 5 seconds.
 * Retries are those of {@link S3Clients}. The code archive is extracted as it downloads: the
 * extractor reads the file from its start as the ranges fill it ({@link DownloadedPrefix}), and
 * moves nothing into the code directory before it has read the last byte; a range that fails ends
 * the extraction with the download's own error.
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
    checkObjectKey(uri);
    Path archive;
    try {
      archive =
          tempDir == null
              ? Files.createTempFile("smtk-code-", ".tar.gz")
              : Files.createTempFile(Files.createDirectories(tempDir), "smtk-code-", ".tar.gz");
    } catch (IOException e) {
      throw new ToolkitException("Cannot create a temporary file to download " + uri + ": " + e, e);
    }
    try (Transfer transfer = new Transfer(uri, archive, System.nanoTime())) {
      transfer.begin();
      warnIfNotEmpty(uri, codeDir);
      long start = System.nanoTime();
      ExtractionResult result;
      // Extracted while the later ranges still arrive: the extractor reads each byte as soon as it
      // is written, and moves nothing into the code directory before it has read the last one.
      try {
        result = extractor.extract(archive, transfer::openReader, codeDir);
      } catch (ArchiveExtractionException | TrainingStoppedException | RuntimeException e) {
        transfer.throwIfDownloadEnded();
        throw e;
      }
      transfer.finish();
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
              + " ms"
              + (transfer.ranged() ? " (as it downloaded)" : ""));
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
    checkObjectKey(uri);
    try (Transfer transfer = new Transfer(uri, destination, System.nanoTime())) {
      transfer.begin();
      return transfer.finish();
    } catch (ToolkitException | RuntimeException e) {
      deleteQuietly(destination);
      throw e;
    }
  }

  private static void checkObjectKey(S3Uri uri) throws InvalidS3UriException {
    if (uri.key().isEmpty() || uri.key().endsWith("/")) {
      throw new InvalidS3UriException(
          uri.toString(), "expected an object key, not a bucket or prefix");
    }
  }

  /**
   * One object's download into one file: the first range (which tells the size and ETag), then the
   * others on lanes of their own, which a reader can follow ({@link #openReader()}) before {@link
   * #finish()} has waited for them. Closing it gives up what is still running.
   */
  private final class Transfer implements AutoCloseable {
    private final S3Uri uri;
    private final Path destination;
    private final long start;
    private final ExecutorService pool;
    private FileChannel file;
    private long total;
    private int ranges = 1;
    private RangedDownload download;
    private DownloadedPrefix prefix;
    private final List<Future<Void>> lanes = new ArrayList<>();

    Transfer(S3Uri uri, Path destination, long start) {
      this.uri = uri;
      this.destination = destination;
      this.start = start;
      // Every GET runs on a daemon thread while the job's thread asks for a stop: a blocking GET
      // cannot be interrupted, and nothing of a download may hold the JVM up at the end of the job.
      AtomicInteger threads = new AtomicInteger();
      this.pool =
          Executors.newCachedThreadPool(
              task -> {
                Thread thread = new Thread(task, "smtk-s3-download-" + threads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
    }

    /** Fetches the first range, or the whole of a small object, and starts the other ranges. */
    void begin() throws S3TransferException, TrainingStoppedException {
      S3Client client = clients.syncClient();
      long partSize = clients.settings().partSizeBytes();
      try {
        file =
            FileChannel.open(
                destination,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
      } catch (IOException e) {
        throw cannotWrite(e);
      }
      RangeWriter firstPart = new RangeWriter(file, 0, null, null);
      GetObjectResponse first;
      try {
        first =
            await(
                pool.submit(() -> get(client, request(uri, 0, partSize, null), firstPart, uri)),
                uri);
      } catch (S3TransferException e) {
        if (!"InvalidRange".equals(e.errorCode().orElse(null))) {
          throw e;
        }
        // S3 answers 416 to a range over an empty object; fetch it whole.
        GetObjectRequest whole =
            GetObjectRequest.builder().bucket(uri.bucket()).key(uri.key()).build();
        GetObjectResponse response =
            await(
                pool.submit(() -> get(client, whole, new RangeWriter(file, 0, null, null), uri)),
                uri);
        total = response.contentLength();
        return;
      }
      total = totalSize(first);
      if (total <= partSize || first.contentRange() == null) {
        return;
      }
      ranges = (int) ((total + partSize - 1) / partSize);
      int laneCount = Math.max(1, Math.min(ranges - 1, clients.settings().maxConcurrency() / 4));
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
              + laneCount
              + " at a time");
      progress.add(firstPart.bytes());
      prefix = new DownloadedPrefix(total, partSize, stop, "while downloading " + uri);
      prefix.wrote(0, firstPart.bytes());
      download =
          new RangedDownload(client, uri, file, first.eTag(), partSize, total, progress, prefix);
      for (int i = 0; i < laneCount; i++) {
        lanes.add(pool.submit(download::lane));
      }
    }

    boolean ranged() {
      return prefix != null;
    }

    /** Reads the file from its start, following the download while ranges still arrive. */
    InputStream openReader() throws IOException {
      return prefix == null ? Files.newInputStream(destination) : prefix.reader(destination);
    }

    /** Waits for every range; the file then holds the whole object. */
    DownloadResult finish() throws S3TransferException, TrainingStoppedException {
      // On a failure every lane is waited for, so that no write is still running when the caller
      // deletes the file; on a stop none is (the file is closed under them, which ends them).
      S3TransferException firstFailure = null;
      for (Future<Void> lane : lanes) {
        try {
          await(lane, uri);
        } catch (S3TransferException e) {
          download.fail();
          if (firstFailure == null) {
            firstFailure = e;
          }
        } catch (TrainingStoppedException e) {
          download.fail();
          throw e;
        }
      }
      if (firstFailure != null) {
        throw firstFailure;
      }
      long end =
          prefix == null || prefix.completedNanos() == 0
              ? System.nanoTime()
              : prefix.completedNanos();
      return result(uri, destination, total, ranges, start, end);
    }

    /**
     * After a failed extraction: throws what ended the download instead, if it did (a failed range
     * or a stop), since the extractor saw only a stream that broke off.
     */
    void throwIfDownloadEnded() throws S3TransferException, TrainingStoppedException {
      stop.checkStopped("while downloading " + uri);
      if (download == null) {
        return;
      }
      download.fail();
      Throwable failure = prefix.failure();
      if (failure instanceof S3TransferException transfer) {
        throw transfer;
      }
      if (failure != null) {
        throw failure(uri, failure);
      }
    }

    private S3TransferException cannotWrite(IOException e) {
      return new S3TransferException(
          "Could not download " + uri + ": cannot write " + destination + ": " + e,
          uri.toString(),
          null,
          0,
          e);
    }

    @Override
    public void close() {
      if (download != null) {
        download.fail();
      }
      pool.shutdownNow();
      if (file != null) {
        try {
          file.close();
        } catch (IOException e) {
          LOG.debug("Could not close {}", destination, e);
        }
      }
    }
  }

  /**
   * Waits for one GET, asking every {@link StopCheck#POLL} whether the job was stopped; a failed
   * GET ends as the {@link S3TransferException} it threw.
   */
  private <T> T await(Future<T> future, S3Uri uri)
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
      throw e.getCause() instanceof S3TransferException transfer
          ? transfer
          : failure(uri, e.getCause());
    }
  }

  /**
   * The ranges after the first: several lanes, each with a blocking GET at a time, fetch the next
   * free range until none is left, and stop taking new ranges once one has failed.
   */
  private static final class RangedDownload {
    private final S3Client client;
    private final S3Uri uri;
    private final FileChannel file;
    private final String eTag;
    private final long partSize;
    private final long total;
    private final int ranges;
    private final TransferProgress progress;
    private final DownloadedPrefix prefix;
    private final AtomicInteger next = new AtomicInteger(1);
    private final AtomicBoolean failed = new AtomicBoolean();

    RangedDownload(
        S3Client client,
        S3Uri uri,
        FileChannel file,
        String eTag,
        long partSize,
        long total,
        TransferProgress progress,
        DownloadedPrefix prefix) {
      this.client = client;
      this.uri = uri;
      this.file = file;
      this.eTag = eTag;
      this.partSize = partSize;
      this.total = total;
      this.ranges = (int) ((total + partSize - 1) / partSize);
      this.progress = progress;
      this.prefix = prefix;
    }

    /** Takes no further range (a failure elsewhere, or a stop). */
    void fail() {
      failed.set(true);
    }

    Void lane() throws S3TransferException {
      int index;
      while ((index = next.getAndIncrement()) < ranges && !failed.get()) {
        long offset = index * partSize;
        long length = Math.min(partSize, total - offset);
        try {
          get(
              client,
              request(uri, offset, length, eTag),
              new RangeWriter(file, offset, progress, prefix),
              uri);
        } catch (S3TransferException | RuntimeException e) {
          failed.set(true);
          prefix.fail(e);
          throw e;
        }
      }
      return null;
    }
  }

  /**
   * Writes a GET's body into the file at the range's offset. A retried attempt rewrites the range
   * from its start and first takes back what the failed one counted, so progress never runs past
   * the object's size; a body cut short is retried, as the SDK's own file transformer does.
   */
  private static final class RangeWriter
      implements ResponseTransformer<GetObjectResponse, GetObjectResponse> {
    private final FileChannel file;
    private final long offset;
    private final TransferProgress progress;
    private final DownloadedPrefix prefix;
    private long attemptBytes;

    RangeWriter(FileChannel file, long offset, TransferProgress progress, DownloadedPrefix prefix) {
      this.file = file;
      this.offset = offset;
      this.progress = progress;
      this.prefix = prefix;
    }

    @Override
    public GetObjectResponse transform(GetObjectResponse response, AbortableInputStream body) {
      if (progress != null && attemptBytes != 0) {
        progress.add(-attemptBytes);
      }
      attemptBytes = 0;
      byte[] buffer = new byte[64 * 1024];
      long position = offset;
      try {
        int read;
        while ((read = body.read(buffer)) >= 0) {
          ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, read);
          while (bytes.hasRemaining()) {
            position += file.write(bytes, position);
          }
          attemptBytes += read;
          if (progress != null) {
            progress.add(read);
          }
          if (prefix != null) {
            prefix.wrote(offset, attemptBytes);
          }
        }
      } catch (ClosedChannelException e) {
        // The download was given up (a stop, or another range failed) and the file closed under
        // this range: nothing to retry.
        throw NonRetryableException.builder()
            .message("The download was given up: " + e)
            .cause(e)
            .build();
      } catch (IOException e) {
        throw RetryableException.builder()
            .message("Reading the body of a GET failed: " + e)
            .cause(e)
            .build();
      }
      return response;
    }

    long bytes() {
      return attemptBytes;
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

  private DownloadResult result(
      S3Uri uri, Path destination, long total, int ranges, long start, long end)
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
    Duration elapsed = Duration.ofNanos(end - start);
    DownloadResult result = new DownloadResult(uri, destination, total, ranges, elapsed);
    log.accept(
        "Downloaded "
            + uri
            + " ("
            + TransferProgress.size(total)
            + ") in "
            + elapsed.toMillis()
            + " ms, "
            + TransferProgress.rate(total, elapsed.toNanos())
            + "; S3 client ready in "
            + clients.syncClientMillis()
            + " ms");
    return result;
  }

  private static GetObjectResponse get(
      S3Client client, GetObjectRequest request, RangeWriter writer, S3Uri uri)
      throws S3TransferException {
    try {
      return client.getObject(request, writer);
    } catch (SdkException e) {
      throw failure(uri, e);
    }
  }

  private static S3TransferException failure(S3Uri uri, Throwable cause) {
    if (cause instanceof S3Exception s3 && s3.statusCode() == 412) {
      return new S3TransferException(
          "Could not download "
              + uri
              + ": the object changed while it was being downloaded"
              + " (PreconditionFailed, HTTP 412)",
          uri.toString(),
          "PreconditionFailed",
          412,
          cause);
    }
    if (cause instanceof AbortedException || Thread.currentThread().isInterrupted()) {
      return new S3TransferException(
          "Download of " + uri + " was interrupted", uri.toString(), null, 0, cause);
    }
    return S3Failures.toException("download", uri, cause);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.debug("Could not delete {}", file, e);
    }
  }
}
