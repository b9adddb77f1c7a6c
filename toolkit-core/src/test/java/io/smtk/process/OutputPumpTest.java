package io.smtk.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link OutputPump}. */
class OutputPumpTest {

  private final WriteRecorder sink = new WriteRecorder();
  private final ErrorTail tail = new ErrorTail();

  @Test
  void run_inputInTinyPieces_writesWholeLinesOnly() {
    String input = "alpha\nbeta gamma\n\n" + "x".repeat(200_000) + "\nlast";

    pump(new PieceStream(input, 3), LineTransformer.identity());

    assertThat(sink.text()).isEqualTo(input);
    List<String> writes = sink.writes();
    assertThat(writes.subList(0, writes.size() - 1)).allMatch(w -> w.endsWith("\n"));
    assertThat(writes.get(writes.size() - 1)).isEqualTo("last");
  }

  @Test
  void run_transformer_calledOncePerWholeLineWithoutTerminator() {
    List<String> seen = new ArrayList<>();
    LineTransformer upperCaseB =
        (buffer, offset, length) -> {
          String line = new String(buffer, offset, length, StandardCharsets.UTF_8);
          seen.add(line);
          return line.startsWith("b") ? line.toUpperCase().getBytes(StandardCharsets.UTF_8) : null;
        };

    pump(new PieceStream("a1\nb2\r\n\nb3", 2), upperCaseB);

    assertThat(seen).containsExactly("a1", "b2\r", "", "b3");
    assertThat(sink.text()).isEqualTo("a1\nB2\r\n\nB3");
  }

  @Test
  void run_transformerThrows_keepsLinesAndReportsFailure() {
    LineTransformer broken =
        (buffer, offset, length) -> {
          throw new IllegalStateException("broken transformer");
        };

    OutputPump pump = pump(new PieceStream("a\nb\n", 1), broken);

    assertThat(sink.text()).isEqualTo("a\nb\n");
    assertThat(pump.failure()).hasMessage("broken transformer");
  }

  @Test
  void run_sinkFails_drainsInputAndKeepsTail() {
    OutputStream failing =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("sink closed");
          }
        };
    PieceStream input = new PieceStream("one\ntwo\nthree\n", 4);
    OutputPump pump = new OutputPump(input, failing, new Object(), OutputPump.IDENTITY, tail);

    pump.run();

    assertThat(input.remaining()).isZero();
    assertThat(pump.failure()).hasMessage("sink closed");
    assertThat(tail.text()).isEqualTo("one\ntwo\nthree\n");
  }

  @Test
  void run_output_keptInTail() {
    pump(new PieceStream("x\nTraceback (most recent call last):\nE: e\n", 5), OutputPump.IDENTITY);

    assertThat(ErrorTail.errorText(tail, new ErrorTail()))
        .isEqualTo("Traceback (most recent call last):\nE: e");
  }

  @Test
  void run_sameLockForTwoPumps_linesNeverMix() throws Exception {
    ByteArrayOutputStream shared = new ByteArrayOutputStream();
    Object lock = new Object();
    String a = "a".repeat(5000) + "\n";
    String b = "b".repeat(7000) + "\n";
    Thread first =
        new Thread(
            new OutputPump(
                new PieceStream(a.repeat(300), 999),
                shared,
                lock,
                OutputPump.IDENTITY,
                new ErrorTail()));
    Thread second =
        new Thread(
            new OutputPump(
                new PieceStream(b.repeat(300), 1001),
                shared,
                lock,
                OutputPump.IDENTITY,
                new ErrorTail()));
    first.start();
    second.start();
    first.join();
    second.join();

    List<String> lines = shared.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(600).allMatch(l -> l.equals(a.strip()) || l.equals(b.strip()));
  }

  private OutputPump pump(InputStream input, LineTransformer transformer) {
    OutputPump pump = new OutputPump(input, sink, new Object(), transformer, tail);
    pump.run();
    return pump;
  }

  /** Returns its bytes in pieces of at most {@code pieceSize}, like a pipe read in a hurry. */
  private static final class PieceStream extends InputStream {
    private final byte[] bytes;
    private final int pieceSize;
    private int position;

    PieceStream(String text, int pieceSize) {
      this.bytes = text.getBytes(StandardCharsets.UTF_8);
      this.pieceSize = pieceSize;
    }

    @Override
    public int read() {
      return position < bytes.length ? bytes[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (position == bytes.length) {
        return -1;
      }
      int count = Math.min(Math.min(length, pieceSize), bytes.length - position);
      System.arraycopy(bytes, position, buffer, offset, count);
      position += count;
      return count;
    }

    int remaining() {
      return bytes.length - position;
    }
  }
}
