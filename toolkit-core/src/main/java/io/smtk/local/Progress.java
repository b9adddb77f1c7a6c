package io.smtk.local;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reports how far a long step (copying a channel, packing an archive) has come: a line when it
 * starts, at most one line every two seconds while it runs, and a line when it ends.
 */
final class Progress {

  private static final long REPORT_EVERY_NANOS = 2_000_000_000L;

  private final Consumer<String> log;
  private final String label;
  private final long totalBytes;
  private final long totalFiles;
  private long bytes;
  private long files;
  private long lastReport;

  Progress(Consumer<String> log, String label, long totalBytes, long totalFiles) {
    this.log = log;
    this.label = label;
    this.totalBytes = totalBytes;
    this.totalFiles = totalFiles;
    this.lastReport = System.nanoTime();
    log.accept(
        label + ": " + totalFiles + (totalFiles == 1 ? " file, " : " files, ") + size(totalBytes));
  }

  /** Counts bytes written; prints a line when two seconds passed since the last one. */
  void bytes(long count) {
    bytes += count;
    long now = System.nanoTime();
    if (now - lastReport >= REPORT_EVERY_NANOS) {
      lastReport = now;
      long percent = totalBytes == 0 ? 100 : Math.min(100, bytes * 100 / totalBytes);
      log.accept(
          label
              + ": "
              + percent
              + "% ("
              + size(bytes)
              + " of "
              + size(totalBytes)
              + ", "
              + files
              + " of "
              + totalFiles
              + " files)");
    }
  }

  /** Counts one file done. */
  void file() {
    files++;
  }

  /** Prints the closing line. */
  void done() {
    log.accept(label + ": done");
  }

  /**
   * Formats a byte count for people.
   *
   * @param bytes the count
   * @return e.g. {@code 512 B}, {@code 3.4 MB}
   */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KB", "MB", "GB", "TB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
