package io.smtk.s3;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Counts the bytes of one transfer and reports progress every 10% or every few seconds, whichever
 * comes first, instead of once per chunk.
 */
final class TransferProgress {

  static final long REPORT_INTERVAL_NANOS = 5_000_000_000L;

  private final String label;
  private final long total;
  private final Consumer<String> log;
  private final long startNanos;
  private final AtomicLong bytes = new AtomicLong();
  private volatile int lastDecile;
  private volatile long lastReportNanos;

  TransferProgress(String label, long total, long startNanos, Consumer<String> log) {
    this.label = label;
    this.startNanos = startNanos;
    this.lastReportNanos = startNanos;
    this.total = total;
    this.log = log;
  }

  void add(long n) {
    long now = bytes.addAndGet(n);
    if (total <= 0) {
      return;
    }
    int decile = (int) Math.min(10, now * 10 / total);
    long nanos = System.nanoTime();
    // Cheap unsynchronized pre-check: most chunks cross neither threshold.
    if (decile <= lastDecile && nanos - lastReportNanos < REPORT_INTERVAL_NANOS) {
      return;
    }
    synchronized (this) {
      if ((decile > lastDecile && decile < 10)
          || nanos - lastReportNanos >= REPORT_INTERVAL_NANOS) {
        if (now >= total) {
          return; // the completion line says it
        }
        lastDecile = Math.max(lastDecile, decile);
        lastReportNanos = nanos;
        log.accept(
            String.format(
                Locale.ROOT,
                "%s: %d%% (%s of %s, %s)",
                label,
                now * 100 / total,
                size(now),
                size(total),
                rate(now, nanos - startNanos)));
      }
    }
  }

  long bytes() {
    return bytes.get();
  }

  long elapsedNanos() {
    return System.nanoTime() - startNanos;
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    if (bytes < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
  }

  static String rate(long bytes, long nanos) {
    double seconds = Math.max(nanos, 1) / 1e9;
    return String.format(Locale.ROOT, "%.1f MiB/s", bytes / (1024.0 * 1024) / seconds);
  }
}
