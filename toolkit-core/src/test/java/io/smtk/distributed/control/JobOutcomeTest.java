package io.smtk.distributed.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Tests for {@link JobOutcome}. */
class JobOutcomeTest {

  @Test
  void decode_encodedFailure_roundTripsMultilineUnicodeText() throws Exception {
    JobOutcome outcome =
        new JobOutcome(3, "algo-2", 5, "rank 5 on algo-2 failed", "Traceback\n  É \"x\" \n");

    assertThat(JobOutcome.decode(outcome.encode())).isEqualTo(outcome);
    assertThat(outcome.encode()).doesNotContain("\n");
  }

  @Test
  void decode_success_succeeded() throws Exception {
    assertThat(JobOutcome.decode(JobOutcome.success().encode()).succeeded()).isTrue();
  }

  @Test
  void decode_malformed_throws() {
    assertThatThrownBy(() -> JobOutcome.decode("1 2 3"))
        .isInstanceOf(ControlProtocolException.class)
        .hasMessageContaining("malformed");
  }

  @Test
  void decode_exitCodeOutOfRangeOrNotBase64_isAProtocolError() {
    assertThatThrownBy(() -> JobOutcome.decode("300 -1 YQ== YQ== YQ=="))
        .isInstanceOf(ControlProtocolException.class)
        .hasMessageContaining("exit code 300");
    assertThatThrownBy(() -> JobOutcome.decode("1 -1 !!! YQ== YQ=="))
        .isInstanceOf(ControlProtocolException.class)
        .hasMessageContaining("malformed job outcome");
  }
}
