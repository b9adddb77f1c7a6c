package io.smtk.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Tests for {@link ErrorTail}. */
class ErrorTailTest {

  private static final String TRACEBACK =
      "Traceback (most recent call last):\n"
          + "  File \"train.py\", line 3, in <module>\n"
          + "    main()\n"
          + "ValueError: bad\n";

  private final ErrorTail stdout = new ErrorTail();
  private final ErrorTail stderr = new ErrorTail();

  @Test
  void errorText_tracebackAmongOtherOutput_fromTracebackToEnd() {
    append(stderr, "loading data\nwarning: slow\n" + TRACEBACK);

    assertThat(ErrorTail.errorText(stderr, stdout)).isEqualTo(TRACEBACK.stripTrailing());
  }

  @Test
  void errorText_twoTracebacks_lastOne() {
    append(stderr, TRACEBACK.replace("bad", "first") + "retrying\n" + TRACEBACK);

    String text = ErrorTail.errorText(stderr, stdout);

    assertThat(text).isEqualTo(TRACEBACK.stripTrailing());
  }

  @Test
  void errorText_tracebackBehindMpiTag_startsAtLineStart() {
    append(
        stderr,
        "[1,mpirank:0,algo-1]<stderr>:Traceback (most recent call last):\n"
            + "[1,mpirank:0,algo-1]<stderr>:KeyError: 'x'\n");

    assertThat(ErrorTail.errorText(stderr, stdout))
        .startsWith("[1,mpirank:0,algo-1]<stderr>:Traceback")
        .endsWith("KeyError: 'x'");
  }

  @Test
  void errorText_noTraceback_lastThirtyLinesOfStderr() {
    append(stderr, lines(1, 100));
    append(stdout, TRACEBACK.replace("Traceback", "Not a traceback"));

    assertThat(ErrorTail.errorText(stderr, stdout)).isEqualTo(lines(71, 100).stripTrailing());
  }

  @Test
  void errorText_emptyStderr_usesStdout() {
    append(stderr, "\n \n");
    append(stdout, "\n\nstep 1\nfatal: disk full\n\n");

    assertThat(ErrorTail.errorText(stderr, stdout)).isEqualTo("step 1\nfatal: disk full");
  }

  @Test
  void errorText_tracebackOnlyOnStdout_usesIt() {
    append(stderr, "some log line\n");
    append(stdout, "x\n" + TRACEBACK);

    assertThat(ErrorTail.errorText(stderr, stdout)).isEqualTo(TRACEBACK.stripTrailing());
  }

  @Test
  void errorText_noOutput_empty() {
    assertThat(ErrorTail.errorText(stderr, stdout)).isEmpty();
  }

  @Test
  void text_moreThanCapacity_keepsLastWholeLines() {
    ErrorTail tail = new ErrorTail(100);
    append(tail, lines(1, 50));

    String text = tail.text();

    assertThat(text).endsWith("line 50\n");
    assertThat(text.length()).isLessThanOrEqualTo(100);
    assertThat(text).as("first kept line is whole").startsWith("line ");
    assertThat(lines(1, 50)).endsWith(text);
  }

  @Test
  void append_manySmallPiecesAcrossTheRingEnd_keepsOrder() {
    ErrorTail tail = new ErrorTail(64);
    String all = lines(1, 40);
    for (int i = 0; i < all.length(); i += 7) {
      append(tail, all.substring(i, Math.min(all.length(), i + 7)));
    }

    assertThat(all).endsWith(tail.text());
    assertThat(tail.text()).endsWith("line 40\n").startsWith("line ");
  }

  @Test
  void append_oneBlockLargerThanCapacity_keepsItsEnd() {
    ErrorTail tail = new ErrorTail(50);
    append(tail, "start\n");
    append(tail, lines(1, 30));

    assertThat(lines(1, 30)).endsWith(tail.text());
    assertThat(tail.text()).endsWith("line 30\n");
  }

  @Test
  void text_moreThanMaxLines_keepsLastLines() {
    append(stderr, lines(1, 500));

    assertThat(stderr.text()).isEqualTo(lines(301, 500));
  }

  @Test
  void errorText_invalidUtf8_replaced() {
    stderr.append(new byte[] {'a', (byte) 0xff, 'b', '\n'}, 0, 4);

    assertThat(ErrorTail.errorText(stderr, stdout)).isEqualTo("a\uFFFDb");
  }

  private static void append(ErrorTail tail, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    tail.append(bytes, 0, bytes.length);
  }

  private static String lines(int first, int last) {
    return IntStream.rangeClosed(first, last)
        .mapToObj(i -> "line " + i + "\n")
        .collect(Collectors.joining());
  }
}
