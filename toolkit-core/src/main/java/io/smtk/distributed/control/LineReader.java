package io.smtk.distributed.control;

import io.smtk.process.StopCheck;
import io.smtk.process.TrainingStoppedException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the control channel's messages, one line each, with a limit on a message's size and a
 * deadline for the whole message (not for each read, so a peer that sends a byte now and then
 * cannot hold the connection), asking whether to stop while it waits.
 */
final class LineReader {

  private final Socket socket;
  private final InputStream in;
  private final byte[] buffer = new byte[8192];
  private int start;
  private int end;

  LineReader(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
  }

  /**
   * Reads the next message.
   *
   * @param maxBytes the most bytes the message may have, without its newline
   * @param deadlineNanos when the whole message must have arrived ({@link System#nanoTime()})
   * @param stop asked while waiting
   * @param detail what is being waited for, for a stop's reason
   * @return the message without its newline, or null when the peer closed the connection between
   *     messages
   * @throws MessageTimeoutException when the message did not arrive (whole) by the deadline
   * @throws ControlProtocolException when it is too long, not UTF-8 text, holds control characters
   *     or ends with the connection
   * @throws TrainingStoppedException when the job was told to stop
   * @throws IOException when the connection fails
   */
  String readLine(int maxBytes, long deadlineNanos, StopCheck stop, String detail)
      throws IOException, ControlProtocolException, TrainingStoppedException {
    byte[] line = new byte[Math.min(maxBytes + 1, 256)];
    int length = 0;
    while (true) {
      for (int i = start; i < end; i++) {
        if (buffer[i] == '\n') {
          line = append(line, length, buffer, start, i - start, maxBytes);
          length += i - start;
          start = i + 1;
          return decode(line, length);
        }
      }
      line = append(line, length, buffer, start, end - start, maxBytes);
      length += end - start;
      start = 0;
      end = 0;
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        throw new MessageTimeoutException(length > 0);
      }
      socket.setSoTimeout((int) Math.max(1, Math.min(left / 1_000_000, StopCheck.POLL.toMillis())));
      int n;
      try {
        n = in.read(buffer);
      } catch (SocketTimeoutException e) {
        stop.checkStopped(detail);
        continue;
      }
      if (n < 0) {
        if (length == 0) {
          return null;
        }
        throw new ControlProtocolException(
            "it closed the connection in the middle of a message (" + length + " bytes)");
      }
      end = n;
    }
  }

  private static byte[] append(
      byte[] line, int length, byte[] source, int from, int count, int maxBytes)
      throws ControlProtocolException {
    if (count == 0) {
      return line;
    }
    if ((long) length + count > maxBytes) {
      // Nothing past the limit is kept: a huge line costs the reader no memory.
      throw new ControlProtocolException(
          "it sent a message longer than " + maxBytes + " bytes, the most this message may have");
    }
    byte[] grown = line;
    if (length + count > line.length) {
      grown = Arrays.copyOf(line, Math.min(maxBytes, Math.max(line.length * 2, length + count)));
    }
    System.arraycopy(source, from, grown, length, count);
    return grown;
  }

  private static String decode(byte[] line, int length) throws ControlProtocolException {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(line, 0, length))
              .toString();
    } catch (CharacterCodingException e) {
      throw new ControlProtocolException("it sent a message that is not UTF-8 text", e);
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new ControlProtocolException(
            "it sent a message with a control character (0x"
                + Integer.toHexString(c)
                + ") at position "
                + i);
      }
    }
    return text;
  }

  /** Thrown when a message did not arrive, or not whole, by its deadline. */
  static final class MessageTimeoutException extends ControlProtocolException {
    private static final long serialVersionUID = 1L;

    private final boolean partial;

    MessageTimeoutException(boolean partial) {
      super(
          partial
              ? "it sent part of a message and not the rest in time"
              : "it sent no message in time");
      this.partial = partial;
    }

    /** Whether part of the message arrived: a slow sender, not a silent one. */
    boolean partial() {
      return partial;
    }
  }
}
