package io.smtk.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Copies one output stream of a child to a sink in whole lines, keeping an {@link ErrorTail} of it.
 *
 * <p>Bytes are never decoded. A read batch is written up to its last line terminator in one write
 * under the shared lock, so lines from the child's stdout and stderr never mix inside a line while
 * many lines cost a single lock, write and flush. The bytes after the last terminator wait for the
 * next read; the buffer grows until a line, however long, is complete. Only an unterminated last
 * line at end of stream is written as it is.
 */
final class OutputPump implements Runnable {

  static final LineTransformer IDENTITY = (buffer, offset, length) -> null;

  /** Bytes asked for in one read: a Linux pipe holds 64 KiB. */
  static final int READ_SIZE = 64 * 1024;

  // After a very long line, go back to a small buffer instead of keeping the large one.
  private static final int SHRINK_ABOVE = 16 * READ_SIZE;

  private final InputStream source;
  private final OutputStream sink;
  private final Object lock;
  private final LineTransformer transformer;
  private final ErrorTail tail;

  private byte[] buffer = new byte[2 * READ_SIZE];
  private int start; // first byte not yet written
  private int end; // one past the last byte read
  private byte[] transformed = new byte[0];
  private volatile Exception failure; // the first failure of either kind
  private boolean sinkFailed;
  private boolean transformerFailed;

  OutputPump(
      InputStream source,
      OutputStream sink,
      Object lock,
      LineTransformer transformer,
      ErrorTail tail) {
    this.source = source;
    this.sink = sink;
    this.lock = lock;
    this.transformer = transformer;
    this.tail = tail;
  }

  @Override
  public void run() {
    try {
      while (true) {
        makeRoomToRead();
        int read = source.read(buffer, end, buffer.length - end);
        if (read < 0) {
          break;
        }
        int scanFrom = end;
        end += read;
        int lastTerminator = lastIndexOf(buffer, (byte) '\n', scanFrom, end);
        if (lastTerminator >= 0) {
          emit(start, lastTerminator + 1);
          start = lastTerminator + 1;
        }
      }
    } catch (IOException e) {
      // Only a closed pipe gets here; nothing more can be read, so write what is left. This is not
      // a failure of the run: the child's exit status still says how it ended.
    }
    if (end > start) {
      emit(start, end);
    }
    start = 0;
    end = 0;
  }

  /** Returns the first failure writing to the sink or transforming a line, or null. */
  Exception failure() {
    return failure;
  }

  private void makeRoomToRead() {
    if (start == end) {
      start = 0;
      end = 0;
      if (buffer.length > SHRINK_ABOVE) {
        buffer = new byte[2 * READ_SIZE];
      }
    }
    if (buffer.length - end >= READ_SIZE) {
      return;
    }
    int pending = end - start;
    if (start > 0) {
      // Only the unfinished line moves; it is usually short.
      System.arraycopy(buffer, start, buffer, 0, pending);
      start = 0;
      end = pending;
    }
    if (buffer.length - end < READ_SIZE) {
      buffer = Arrays.copyOf(buffer, Math.max(2 * buffer.length, pending + READ_SIZE));
    }
  }

  /** Writes {@code buffer[from, to)}: whole lines, or the unterminated last line at the end. */
  private void emit(int from, int to) {
    if (transformer == IDENTITY) {
      write(buffer, from, to - from);
      return;
    }
    int size = 0;
    int lineStart = from;
    while (lineStart < to) {
      int terminator = indexOf(buffer, (byte) '\n', lineStart, to);
      int lineEnd = terminator < 0 ? to : terminator;
      byte[] replacement = transform(lineStart, lineEnd - lineStart);
      int length = replacement == null ? lineEnd - lineStart : replacement.length;
      int needed = size + length + 1;
      if (transformed.length < needed) {
        transformed = Arrays.copyOf(transformed, Math.max(needed, 2 * transformed.length));
      }
      if (replacement == null) {
        System.arraycopy(buffer, lineStart, transformed, size, length);
      } else {
        System.arraycopy(replacement, 0, transformed, size, length);
      }
      size += length;
      if (terminator >= 0) {
        transformed[size++] = '\n';
      }
      lineStart = lineEnd + 1;
    }
    write(transformed, 0, size);
    if (transformed.length > SHRINK_ABOVE) {
      transformed = new byte[0];
    }
  }

  private byte[] transform(int offset, int length) {
    if (transformerFailed) {
      return null;
    }
    try {
      return transformer.transform(buffer, offset, length);
    } catch (RuntimeException e) {
      // Keep pumping, untransformed: a pump that stops would leave the child blocked on a full
      // pipe, and the output is more use than the rewriting.
      transformerFailed = true;
      recordFailure(e);
      return null;
    }
  }

  private void write(byte[] bytes, int offset, int length) {
    tail.append(bytes, offset, length);
    if (sinkFailed) {
      return; // keep draining the child, but stop writing to a broken sink
    }
    try {
      synchronized (lock) {
        sink.write(bytes, offset, length);
        sink.flush();
      }
    } catch (IOException | RuntimeException e) {
      sinkFailed = true;
      recordFailure(e);
    }
  }

  private void recordFailure(Exception e) {
    if (failure == null) {
      failure = e;
    }
  }

  private static int indexOf(byte[] bytes, byte value, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == value) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(byte[] bytes, byte value, int from, int to) {
    for (int i = to - 1; i >= from; i--) {
      if (bytes[i] == value) {
        return i;
      }
    }
    return -1;
  }
}
