package io.smtk.s3;

import io.smtk.ToolkitException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import software.amazon.awssdk.transfer.s3.model.CompletedDirectoryDownload;
import software.amazon.awssdk.transfer.s3.model.DownloadDirectoryRequest;

/**
 * Downloads every object under an S3 prefix into a folder, keeping the key layout, as SageMaker
 * fills a File-mode channel; used by {@code smtk local} for {@code s3://} channels.
 */
public final class S3PrefixDownloader {

  private final S3Clients clients;
  private final Consumer<String> log;

  private S3PrefixDownloader(S3Clients clients, Consumer<String> log) {
    this.clients = clients;
    this.log = log;
  }

  /**
   * Returns a downloader.
   *
   * @param clients the S3 clients
   * @param log receives a summary line
   * @return the downloader
   */
  public static S3PrefixDownloader create(S3Clients clients, Consumer<String> log) {
    return new S3PrefixDownloader(clients, log);
  }

  /**
   * Downloads the objects under a prefix.
   *
   * @param prefix the bucket and key prefix ({@code s3://bucket/data/train/})
   * @param destination the folder, created if missing
   * @return the number of files downloaded
   * @throws ToolkitException when listing or a download fails (the message names the URI and S3's
   *     error code), or when nothing is under the prefix
   */
  public long download(S3Uri prefix, Path destination) throws ToolkitException {
    try {
      Files.createDirectories(destination);
      String keyPrefix = prefix.key();
      CompletedDirectoryDownload done =
          clients
              .transferManager()
              .downloadDirectory(
                  DownloadDirectoryRequest.builder()
                      .bucket(prefix.bucket())
                      .destination(destination)
                      .listObjectsV2RequestTransformer(list -> list.prefix(keyPrefix))
                      .build())
              .completionFuture()
              .join();
      if (!done.failedTransfers().isEmpty()) {
        Throwable failure = done.failedTransfers().get(0).exception();
        throw S3Failures.toException("download", prefix, failure);
      }
      long files;
      try (var walk = Files.walk(destination)) {
        files = walk.filter(Files::isRegularFile).count();
      }
      if (files == 0) {
        throw new ToolkitException("No objects under " + prefix);
      }
      log.accept("Downloaded " + files + " files from " + prefix + " to " + destination);
      return files;
    } catch (CompletionException e) {
      throw S3Failures.toException("list", prefix, e);
    } catch (java.io.IOException e) {
      throw new ToolkitException("Cannot write " + destination + ": " + e.getMessage(), e);
    }
  }

  /** Keeps the list of failed transfers readable in tests. */
  static List<String> describe(CompletedDirectoryDownload done) {
    return done.failedTransfers().stream().map(failed -> failed.exception().toString()).toList();
  }
}
