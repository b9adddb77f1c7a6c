package io.smtk.s3;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@link S3CodeDownloader#download} fetched: the object, the file, its size, the number of
 * ranged requests it took, and how long.
 *
 * @param uri the object
 * @param file the file it was written to
 * @param bytes the object's size
 * @param ranges the number of ranged GET requests (1 for small objects)
 * @param elapsed wall-clock time of the download
 */
public record DownloadResult(S3Uri uri, Path file, long bytes, int ranges, Duration elapsed) {

  /**
   * Returns the average throughput.
   *
   * @return mebibytes per second
   */
  public double mebibytesPerSecond() {
    double seconds = Math.max(elapsed.toNanos(), 1) / 1e9;
    return bytes / (1024.0 * 1024) / seconds;
  }
}
