package io.smtk.distributed.mpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Tests for {@link MpiLineJoiner}. */
class MpiLineJoinerTest {

  private final MpiLineJoiner joiner = new MpiLineJoiner();

  @Test
  void join_wholeLine_unchanged() {
    assertThat(join("[1,0]<stdout>:hello")).isNull();
    assertThat(join("no tag at all")).isNull();
  }

  @Test
  void join_repeatedOwnTag_removed() {
    assertThat(join("[1,0]<stdout>:text[1,0]<stdout>:")).isEqualTo("[1,0]<stdout>:text");
  }

  @Test
  void join_otherRankBetweenPieces_eachLineWholeUnderItsTag() {
    assertThat(join("[1,0]<stdout>:done=1.5[1,1]<stdout>:rank=1 sum=3"))
        .isEqualTo("[1,1]<stdout>:rank=1 sum=3");
    assertThat(join("[1,0]<stdout>:")).isEqualTo("[1,0]<stdout>:done=1.5");
  }

  @Test
  void join_streamsAndRanksKeptApart_anyRankNumber() {
    assertThat(join("[1,12]<stderr>:Trace[1,12]<stdout>:out")).isEqualTo("[1,12]<stdout>:out");
    assertThat(join("[1,12]<stderr>:back")).isEqualTo("[1,12]<stderr>:Traceback");
    assertThat(join("[1,12]<stdout>:next")).isNull();
  }

  @Test
  void join_bracketsInUserText_notTags() {
    assertThat(join("[1,0]<stdout>:list [1,2] and [a,b]<x>:")).isNull();
  }

  private String join(String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    byte[] joined = joiner.join(bytes, 0, bytes.length);
    return joined == null ? null : new String(joined, StandardCharsets.UTF_8);
  }
}
