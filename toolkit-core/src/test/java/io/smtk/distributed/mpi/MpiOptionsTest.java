package io.smtk.distributed.mpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tests for {@link MpiOptions}. */
class MpiOptionsTest {

  // The verified table of spec section 18.2.

  @Test
  void parse_empty_defaultsToInfoAndNoTokens() throws Exception {
    assertThat(MpiOptions.parse("")).isEqualTo(new MpiOptions("INFO", List.of()));
  }

  @Test
  void parse_unknownOptions_passedThroughInOrder() throws Exception {
    assertThat(MpiOptions.parse("-verbose -x orte_base_help_aggregate=0"))
        .isEqualTo(new MpiOptions("INFO", List.of("-verbose", "-x", "orte_base_help_aggregate=0")));
  }

  @Test
  void parse_ncclDebugWithSeparateValue_extractsIt() throws Exception {
    assertThat(MpiOptions.parse("--NCCL_DEBUG WARN -x FOO=1"))
        .isEqualTo(new MpiOptions("WARN", List.of("-x", "FOO=1")));
  }

  @Test
  void parse_ncclDebugWithEquals_extractsIt() throws Exception {
    assertThat(MpiOptions.parse("--NCCL_DEBUG=WARN")).isEqualTo(new MpiOptions("WARN", List.of()));
  }

  @Test
  void parse_ncclDebugPrefix_acceptedLikeArgparse() throws Exception {
    assertThat(MpiOptions.parse("--NCCL WARN")).isEqualTo(new MpiOptions("WARN", List.of()));
    assertThat(MpiOptions.parse("--N=TRACE")).isEqualTo(new MpiOptions("TRACE", List.of()));
  }

  @Test
  void parse_xWithNcclDebugAssignment_passedThrough() throws Exception {
    assertThat(MpiOptions.parse("-X NCCL_DEBUG=WARN"))
        .isEqualTo(new MpiOptions("INFO", List.of("-X", "NCCL_DEBUG=WARN")));
  }

  @Test
  void parse_ncclDebugWithoutValue_throwsNamingTheOption() {
    assertThatThrownBy(() -> MpiOptions.parse("-x A=1 --NCCL_DEBUG"))
        .isInstanceOf(InvalidMpiOptionsException.class)
        .hasMessageContaining("'--NCCL_DEBUG'")
        .hasMessageContaining("expected a value")
        .satisfies(
            e -> assertThat(((InvalidMpiOptionsException) e).option()).isEqualTo("--NCCL_DEBUG"));
  }

  @Test
  void parse_ncclDebugFollowedByOption_throws() {
    assertThatThrownBy(() -> MpiOptions.parse("--NCCL_DEBUG -x FOO=1"))
        .isInstanceOf(InvalidMpiOptionsException.class)
        .hasMessageContaining("'--NCCL_DEBUG'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-h", "--help", "--he", "-v -h"})
  void parse_help_throwsNamingTheOption(String options) {
    assertThatThrownBy(() -> MpiOptions.parse(options))
        .isInstanceOf(InvalidMpiOptionsException.class)
        .hasMessageContaining("help options are not allowed");
  }

  // Beyond the table.

  @Test
  void parse_repeatedNcclDebug_lastWins() throws Exception {
    assertThat(MpiOptions.parse("--NCCL_DEBUG WARN --NCCL_DEBUG=ERROR").ncclDebug())
        .isEqualTo("ERROR");
  }

  @Test
  void parse_negativeNumberValue_acceptedLikeArgparse() throws Exception {
    assertThat(MpiOptions.parse("--NCCL_DEBUG -1").ncclDebug()).isEqualTo("-1");
  }

  @Test
  void parse_emptyValue_throws() {
    assertThatThrownBy(() -> MpiOptions.parse("--NCCL_DEBUG="))
        .isInstanceOf(InvalidMpiOptionsException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void parse_afterDoubleDash_everythingPassedThrough() throws Exception {
    assertThat(MpiOptions.parse("-x -- --NCCL_DEBUG WARN"))
        .isEqualTo(new MpiOptions("INFO", List.of("-x", "--", "--NCCL_DEBUG", "WARN")));
  }

  @Test
  void parse_similarButDifferentOptions_passedThrough() throws Exception {
    assertThat(MpiOptions.parse("--NCCL_DEBUGX WARN -NCCL_DEBUG WARN --nccl WARN").additional())
        .containsExactly("--NCCL_DEBUGX", "WARN", "-NCCL_DEBUG", "WARN", "--nccl", "WARN");
  }

  @Test
  void parse_extraWhitespace_ignoredLikeStrSplit() throws Exception {
    assertThat(MpiOptions.parse("  -x\tA=1 \n -verbose  ").additional())
        .containsExactly("-x", "A=1", "-verbose");
  }

  @Test
  void parse_quotedArgument_keptAsOneToken() throws Exception {
    assertThat(
            MpiOptions.parse("--mca plm_rsh_args \"-F /tmp/ssh config\" -x 'B=two words'")
                .additional())
        .containsExactly("--mca", "plm_rsh_args", "-F /tmp/ssh config", "-x", "B=two words");
  }

  @Test
  void parse_escapes_decodedLikeShell() throws Exception {
    assertThat(MpiOptions.parse("a\\ b \"q\\\"uote\" 'sin\\gle' \"c\\d\"").additional())
        .containsExactly("a b", "q\"uote", "sin\\gle", "c\\d");
  }

  @Test
  void parse_unterminatedQuote_throws() {
    assertThatThrownBy(() -> MpiOptions.parse("-x 'A=1"))
        .isInstanceOf(InvalidMpiOptionsException.class)
        .hasMessageContaining("not closed");
  }
}
