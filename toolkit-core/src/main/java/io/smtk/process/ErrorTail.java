package io.smtk.process;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Keeps the last bytes a child wrote to one stream, to explain a failure without holding all the
 * output in memory.
 *
 * <p>Bytes are kept raw in a ring buffer; they are decoded (UTF-8, invalid bytes replaced) only
 * when {@link #errorText(ErrorTail, ErrorTail)} builds the report, so keeping the tail costs one
 * array copy per block of output.
 */
final class ErrorTail {

  /** Bytes kept per stream by default. */
  static final int DEFAULT_CAPACITY = 64 * 1024;

  /** At most this many lines of a tail are looked at. */
  static final int MAX_LINES = 200;

  /** Lines reported when the tail holds no Python traceback. */
  static final int FALLBACK_LINES = 30;

  static final String TRACEBACK_START = "Traceback (most recent call last):";

  private final byte[] ring;
  private long total; // bytes ever appended; the next byte goes to ring[total % ring.length]

  ErrorTail() {
    this(DEFAULT_CAPACITY);
  }

  ErrorTail(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.ring = new byte[capacity];
  }

  /** Appends {@code length} bytes of {@code buffer} from {@code offset}. */
  synchronized void append(byte[] buffer, int offset, int length) {
    if (length >= ring.length) {
      // Only the last ring.length bytes can survive; the ring restarts at index 0.
      int skip = length - ring.length;
      total += skip;
      offset += skip;
      length = ring.length;
    }
    int at = (int) (total % ring.length);
    int first = Math.min(length, ring.length - at);
    System.arraycopy(buffer, offset, ring, at, first);
    System.arraycopy(buffer, offset + first, ring, 0, length - first);
    total += length;
  }

  /**
   * Returns the kept text: whole lines only (a line cut by the ring's start is dropped), at most
   * the last {@link #MAX_LINES} lines.
   */
  synchronized String text() {
    int kept = (int) Math.min(total, ring.length);
    byte[] bytes = new byte[kept];
    int start = (int) ((total - kept) % ring.length);
    int first = Math.min(kept, ring.length - start);
    System.arraycopy(ring, start, bytes, 0, first);
    System.arraycopy(ring, 0, bytes, first, kept - first);
    int from = 0;
    if (total > ring.length) {
      // The first line is probably cut; drop it unless it is all there is.
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] == '\n') {
          from = i + 1;
          break;
        }
      }
    }
    String text = new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
    return lastLines(text, MAX_LINES);
  }

  /**
   * Returns the most useful part of a failed process's output: from the start of the last Python
   * traceback to the end if there is one (stderr first, then stdout), else the last {@link
   * #FALLBACK_LINES} lines of stderr, or of stdout when stderr is blank.
   */
  static String errorText(ErrorTail stderr, ErrorTail stdout) {
    String err = stderr.text();
    String out = stdout.text();
    for (String text : List.of(err, out)) {
      int traceback = text.lastIndexOf(TRACEBACK_START);
      if (traceback >= 0) {
        // Start at the line's start: an MPI tag such as "[1,0]<stderr>:" may precede it.
        int lineStart = text.lastIndexOf('\n', traceback) + 1;
        return text.substring(lineStart).stripTrailing();
      }
    }
    String text = err.isBlank() ? out : err;
    return stripLeadingBlankLines(lastLines(text.stripTrailing(), FALLBACK_LINES));
  }

  private static String lastLines(String text, int count) {
    int end = text.endsWith("\n") ? text.length() - 1 : text.length();
    int from = end;
    for (int lines = 0; lines < count; lines++) {
      from = text.lastIndexOf('\n', from - 1);
      if (from < 0) {
        return text;
      }
    }
    return text.substring(from + 1);
  }

  // Lines of only spaces, tabs and carriage returns, each ended by a newline, at the start.
  private static String stripLeadingBlankLines(String text) {
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        start = i + 1;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        break;
      }
    }
    return text.substring(start);
  }
}
