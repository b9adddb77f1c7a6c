package io.smtk.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtk.process.StopCheck;
import io.smtk.process.TrainingStoppedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link DownloadedPrefix}: a reader that follows a file written in ranges. */
class DownloadedPrefixTest {

  private static final int PART = 10;

  @TempDir Path tmp;

  private static byte[] bytes(int length) {
    byte[] data = new byte[length];
    for (int i = 0; i < length; i++) {
      data[i] = (byte) i;
    }
    return data;
  }

  private static FileChannel writable(Path path) throws IOException {
    return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  private static void write(FileChannel file, byte[] data, int from, int to) throws IOException {
    file.write(ByteBuffer.wrap(data, from, to - from), from);
  }

  @Test
  void reader_rangesWrittenOutOfOrderAndInPieces_readsEveryByteInOrderThenEnds() throws Exception {
    byte[] data = bytes(25); // ranges of 10, 10 and 5
    Path path = tmp.resolve("object");
    DownloadedPrefix prefix = new DownloadedPrefix(25, PART, StopCheck.NEVER, "in a test");
    try (FileChannel file = writable(path);
        InputStream reader = prefix.reader(path)) {
      write(file, data, 0, 10);
      prefix.wrote(0, 10);
      CompletableFuture<byte[]> read =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return reader.readAllBytes();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      // The last range first, then the middle one in two pieces: the reader waits for the gap.
      write(file, data, 20, 25);
      prefix.wrote(20, 5);
      write(file, data, 10, 14);
      prefix.wrote(10, 4);
      assertThat(read).isNotDone();
      write(file, data, 14, 20);
      prefix.wrote(10, 10);

      assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(data);
      assertThat(prefix.completedNanos()).isPositive();
    }
  }

  @Test
  void reader_retriedRangeCountsLess_keepsWhatWasCounted() throws Exception {
    byte[] data = bytes(20);
    Path path = tmp.resolve("object");
    DownloadedPrefix prefix = new DownloadedPrefix(20, PART, StopCheck.NEVER, "in a test");
    try (FileChannel file = writable(path);
        InputStream reader = prefix.reader(path)) {
      write(file, data, 0, 20);
      prefix.wrote(0, 10);
      prefix.wrote(10, 8);
      prefix.wrote(10, 2); // a retry starts the range again: the same bytes, rewritten
      byte[] first = reader.readNBytes(18);
      prefix.wrote(10, 10);

      assertThat(first).isEqualTo(Arrays.copyOf(data, 18));
      assertThat(reader.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 18, 20));
    }
  }

  @Test
  void reader_downloadFailsWhileWaiting_throwsWithTheFailureAsCause() throws Exception {
    Path path = tmp.resolve("object");
    DownloadedPrefix prefix = new DownloadedPrefix(20, PART, StopCheck.NEVER, "in a test");
    try (FileChannel file = writable(path);
        InputStream reader = prefix.reader(path)) {
      write(file, bytes(10), 0, 10);
      prefix.wrote(0, 10);
      assertThat(reader.readNBytes(10)).hasSize(10);
      S3TransferException cause =
          new S3TransferException("Could not download s3://b/k: boom", "s3://b/k", null, 0, null);
      CompletableFuture.runAsync(() -> prefix.fail(cause));

      assertThatThrownBy(reader::read)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("boom")
          .hasCause(cause);
      assertThat(prefix.failure()).isSameAs(cause);
    }
  }

  @Test
  void reader_jobStoppedWhileWaiting_throwsNamingTheStop() throws Exception {
    Path path = tmp.resolve("object");
    AtomicBoolean stopped = new AtomicBoolean();
    StopCheck stop =
        detail -> {
          if (stopped.get()) {
            throw new TrainingStoppedException(15, detail);
          }
        };
    DownloadedPrefix prefix = new DownloadedPrefix(20, PART, stop, "while downloading s3://b/k");
    try (FileChannel file = writable(path);
        InputStream reader = prefix.reader(path)) {
      CompletableFuture.runAsync(() -> stopped.set(true));

      assertThatThrownBy(reader::read)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("stopped while downloading s3://b/k")
          .hasCauseInstanceOf(TrainingStoppedException.class);
    }
  }
}
