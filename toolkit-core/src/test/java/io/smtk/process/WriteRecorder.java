package io.smtk.process;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** An output stream that remembers each write, to check where the runner cuts its output. */
final class WriteRecorder extends OutputStream {

  private final ByteArrayOutputStream all = new ByteArrayOutputStream();
  private final List<String> writes = new ArrayList<>();

  @Override
  public synchronized void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) {
    all.write(bytes, offset, length);
    writes.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
  }

  synchronized List<String> writes() {
    return List.copyOf(writes);
  }

  synchronized String text() {
    return all.toString(StandardCharsets.UTF_8);
  }
}
