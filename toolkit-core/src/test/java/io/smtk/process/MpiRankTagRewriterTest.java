package io.smtk.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Tests for {@link MpiRankTagRewriter}. */
class MpiRankTagRewriterTest {

  @Test
  void transform_stdoutTag_addsRankAndHost() {
    assertThat(rewrite(8, "[1,10]<stdout>:x")).isEqualTo("[1,mpirank:10,algo-2]<stdout>:x");
  }

  @Test
  void transform_stderrTagOfRankZero_hostOne() {
    assertThat(rewrite(1, "[1,0]<stderr>:Traceback (most recent call last):"))
        .isEqualTo("[1,mpirank:0,algo-1]<stderr>:Traceback (most recent call last):");
  }

  @Test
  void transform_lastRankOfHost_staysOnThatHost() {
    assertThat(rewrite(4, "[3,7]<stdout>:a")).isEqualTo("[3,mpirank:7,algo-2]<stdout>:a");
    assertThat(rewrite(4, "[3,8]<stdout>:a")).isEqualTo("[3,mpirank:8,algo-3]<stdout>:a");
  }

  @Test
  void transform_multiDigitJobAndHugeRank_rewritten() {
    String rank = "123456789012345678901234567890";
    String host = new BigInteger(rank).divide(BigInteger.valueOf(8)).add(BigInteger.ONE).toString();

    assertThat(rewrite(8, "[4711," + rank + "]<stdout>:y"))
        .isEqualTo("[4711,mpirank:" + rank + ",algo-" + host + "]<stdout>:y");
    assertThat(rewrite(8, "[12,123456]<stdout>:"))
        .isEqualTo("[12,mpirank:123456,algo-15433]<stdout>:");
  }

  @Test
  void transform_textBeforeTag_rewritesTagAndKeepsText() {
    assertThat(rewrite(2, "Mon 12:00 [1,3]<stdout>:z"))
        .isEqualTo("Mon 12:00 [1,mpirank:3,algo-2]<stdout>:z");
  }

  @Test
  void transform_secondTagInLine_leftAsIs() {
    assertThat(rewrite(2, "[1,0]<stdout>:print [1,3]<stdout>"))
        .isEqualTo("[1,mpirank:0,algo-1]<stdout>:print [1,3]<stdout>");
  }

  @Test
  void transform_noTag_returnsNull() {
    for (String line :
        new String[] {
          "plain",
          "",
          "[1,2]<stdin>:x",
          "[1,]<stdout>",
          "[,2]<stdout>",
          "[a,2]<stdout>",
          "[1,2<stdout>",
          "[1,2]<stdou",
          "[[1,2]"
        }) {
      assertThat(transform(8, line)).as(line).isNull();
    }
  }

  @Test
  void transform_falseStartBeforeTag_findsTag() {
    assertThat(rewrite(8, "[x] [1,[1,9]<stderr>:e"))
        .isEqualTo("[x] [1,[1,mpirank:9,algo-2]<stderr>:e");
  }

  @Test
  void transform_invalidUtf8AfterTag_bytesKept() {
    byte[] line = {
      '[', '1', ',', '5', ']', '<', 's', 't', 'd', 'o', 'u', 't', '>', ':', (byte) 0xff, (byte) 0xc3
    };
    byte[] framed = new byte[line.length + 4];
    System.arraycopy(line, 0, framed, 2, line.length);

    byte[] result = MpiRankTagRewriter.of(4).transform(framed, 2, line.length);

    byte[] prefix = "[1,mpirank:5,algo-2]<stdout>:".getBytes(StandardCharsets.US_ASCII);
    byte[] expected = new byte[prefix.length + 2];
    System.arraycopy(prefix, 0, expected, 0, prefix.length);
    expected[prefix.length] = (byte) 0xff;
    expected[prefix.length + 1] = (byte) 0xc3;
    assertThat(result).isEqualTo(expected);
  }

  @Test
  void of_zeroProcessesPerHost_throws() {
    assertThatThrownBy(() -> MpiRankTagRewriter.of(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("processesPerHost");
  }

  private static String rewrite(int processesPerHost, String line) {
    byte[] result = transform(processesPerHost, line);
    assertThat(result).as("rewritten: %s", line).isNotNull();
    return new String(result, StandardCharsets.UTF_8);
  }

  private static byte[] transform(int processesPerHost, String line) {
    byte[] bytes = ("<<" + line + ">>").getBytes(StandardCharsets.UTF_8);
    return MpiRankTagRewriter.of(processesPerHost).transform(bytes, 2, bytes.length - 4);
  }
}
