package io.smtk.s3;

import io.smtk.process.StopCheck;
import io.smtk.process.TrainingStoppedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How much of a file being downloaded in ranges is there without a gap from its start, so that a
 * reader can follow the download: the code archive is extracted while its later ranges still
 * arrive. Ranges are taken in order, so the prefix grows steadily; a range that is retried is
 * rewritten with the same bytes (the GETs are conditional on the object's ETag), so what was
 * counted once stays counted.
 */
final class DownloadedPrefix {

  private final long total;
  private final long partSize;
  private final long[] written; // per range, the most bytes ever written from its start
  private final StopCheck stop;
  private final String detail;
  private int firstIncomplete; // guarded by this
  private long prefix; // guarded by this
  private long completedNanos; // guarded by this; when the prefix reached the total
  private Throwable failure; // guarded by this

  DownloadedPrefix(long total, long partSize, StopCheck stop, String detail) {
    this.total = total;
    this.partSize = partSize;
    this.written = new long[(int) ((total + partSize - 1) / partSize)];
    this.stop = stop;
    this.detail = detail;
  }

  /** Records that the range starting at {@code offset} has {@code bytes} bytes from its start. */
  synchronized void wrote(long offset, long bytes) {
    int index = (int) (offset / partSize);
    if (bytes <= written[index]) {
      return;
    }
    written[index] = bytes;
    while (firstIncomplete < written.length
        && written[firstIncomplete] == rangeLength(firstIncomplete)) {
      firstIncomplete++;
    }
    prefix =
        firstIncomplete == written.length
            ? total
            : firstIncomplete * partSize + written[firstIncomplete];
    if (prefix == total && completedNanos == 0) {
      completedNanos = System.nanoTime();
    }
    notifyAll();
  }

  /** Ends every wait with {@code cause}: a range failed, or the download was given up. */
  synchronized void fail(Throwable cause) {
    if (failure == null) {
      failure = cause;
    }
    notifyAll();
  }

  /** What ended the download early, or null. */
  synchronized Throwable failure() {
    return failure;
  }

  /** When the last byte arrived ({@link System#nanoTime()}), or 0 while some are missing. */
  synchronized long completedNanos() {
    return completedNanos;
  }

  /**
   * Opens {@code file} for reading from its start, each byte as soon as the download has written
   * it; a read waits (asking about a stop every {@link StopCheck#POLL}) and fails when the download
   * failed or the job was stopped.
   */
  InputStream reader(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    return new InputStream() {
      private long position;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
          return 0;
        }
        if (position >= total) {
          return -1;
        }
        long available = awaitBeyond(position);
        int want = (int) Math.min(length, available - position);
        int n = channel.read(ByteBuffer.wrap(buffer, offset, want), position);
        if (n < 0) {
          throw new IOException("the downloaded file ends at " + position + " of " + total);
        }
        position += n;
        return n;
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
  }

  private synchronized long awaitBeyond(long position) throws IOException {
    while (prefix <= position) {
      if (failure != null) {
        throw new IOException("the download ended early: " + failure.getMessage(), failure);
      }
      try {
        stop.checkStopped(detail);
      } catch (TrainingStoppedException e) {
        throw new IOException("the job was stopped " + detail, e);
      }
      try {
        wait(StopCheck.POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted " + detail);
      }
    }
    return prefix;
  }

  private long rangeLength(int index) {
    return Math.min(partSize, total - index * partSize);
  }
}
