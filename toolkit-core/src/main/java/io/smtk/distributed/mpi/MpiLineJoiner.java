package io.smtk.distributed.mpi;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Puts mpirun's {@code --tag-output} lines back together. mpirun tags every chunk it reads from a
 * rank, not every line: a rank that writes a line in two pieces (Python's unbuffered {@code print}
 * writes the text and the newline separately) arrives as {@code [1,0]<stdout>:text[1,0]<stdout>:},
 * and another rank's output may land between the pieces: {@code
 * [1,0]<stdout>:text[1,1]<stdout>:other} followed later by {@code [1,0]<stdout>:}. The joiner keeps
 * each rank's unfinished piece until its newline arrives and emits every line whole, under its own
 * tag.
 */
final class MpiLineJoiner {

  private final Map<String, ByteArrayOutputStream> pending = new HashMap<>();

  /**
   * Returns the whole line that this output line completes.
   *
   * @param buffer the bytes
   * @param offset where the line starts
   * @param length its length, without the newline
   * @return the line to write, or null to write the line as it is
   */
  synchronized byte[] join(byte[] buffer, int offset, int length) {
    int end = offset + length;
    int tagEnd = tagEnd(buffer, offset, end);
    if (tagEnd < 0) {
      return null;
    }
    int start = offset;
    int textStart = tagEnd;
    boolean changed = false;
    for (int i = textStart; i < end; i++) {
      if (buffer[i] != '[') {
        continue;
      }
      int nextTagEnd = tagEnd(buffer, i, end);
      if (nextTagEnd < 0) {
        continue;
      }
      // The text before the next tag had no newline: it is the unfinished start of its rank's line.
      pending
          .computeIfAbsent(key(buffer, start, textStart), k -> new ByteArrayOutputStream())
          .write(buffer, textStart, i - textStart);
      changed = true;
      start = i;
      textStart = nextTagEnd;
      i = nextTagEnd - 1;
    }
    ByteArrayOutputStream head = pending.remove(key(buffer, start, textStart));
    if (!changed && head == null) {
      return null;
    }
    ByteArrayOutputStream line =
        new ByteArrayOutputStream(length + (head == null ? 0 : head.size()));
    line.write(buffer, start, textStart - start);
    if (head != null) {
      line.writeBytes(head.toByteArray());
    }
    line.write(buffer, textStart, end - textStart);
    return line.toByteArray();
  }

  private static String key(byte[] buffer, int from, int to) {
    return new String(
        Arrays.copyOfRange(buffer, from, to), java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /**
   * Returns where a {@code [J,R]<stdout>:} or {@code [J,R]<stderr>:} tag at {@code at} ends, or -1.
   */
  private static int tagEnd(byte[] buffer, int at, int end) {
    int i = at;
    if (i >= end || buffer[i++] != '[') {
      return -1;
    }
    int digits = 0;
    while (i < end && Character.isDigit(buffer[i])) {
      i++;
      digits++;
    }
    if (digits == 0 || i >= end || buffer[i++] != ',') {
      return -1;
    }
    digits = 0;
    while (i < end && Character.isDigit(buffer[i])) {
      i++;
      digits++;
    }
    if (digits == 0
        || i + 10 > end
        || buffer[i] != ']'
        || buffer[i + 1] != '<'
        || buffer[i + 8] != '>'
        || buffer[i + 9] != ':') {
      return -1;
    }
    String stream = new String(buffer, i + 2, 6, java.nio.charset.StandardCharsets.US_ASCII);
    return stream.equals("stdout") || stream.equals("stderr") ? i + 10 : -1;
  }
}
