package io.smtk.local;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Passes the hosts' output to one of picocli's writers; the process runner writes whole lines, so
 * decoding each write on its own never splits a character.
 */
final class WriterStream extends OutputStream {

  private final PrintWriter writer;

  WriterStream(PrintWriter writer) {
    this.writer = writer;
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    writer.write(new String(bytes, offset, length, StandardCharsets.UTF_8));
  }

  @Override
  public void flush() {
    writer.flush();
  }
}
