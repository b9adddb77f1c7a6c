package io.smtk.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link ProcessResult}. */
class ProcessResultTest {

  private static final List<String> COMMAND = List.of("python", "train.py");

  @Test
  void terminatingSignal_exitCode137_sigkill() {
    assertThat(new ProcessResult(COMMAND, 137, 0, "").terminatingSignal()).hasValue(9);
  }

  @Test
  void terminatingSignal_ordinaryExitCodes_empty() {
    assertThat(new ProcessResult(COMMAND, 1, 0, "").terminatingSignal()).isEmpty();
    assertThat(new ProcessResult(COMMAND, 128, 0, "").terminatingSignal()).isEmpty();
    assertThat(new ProcessResult(COMMAND, 255, 0, "").terminatingSignal()).isEmpty();
  }

  @Test
  void succeeded_exit0ButStopped_false() {
    ProcessResult result = new ProcessResult(COMMAND, 0, 15, "");

    assertThat(result.stoppedByToolkit()).isTrue();
    assertThat(result.succeeded()).isFalse();
  }

  @Test
  void succeeded_exit0_true() {
    assertThat(new ProcessResult(COMMAND, 0, 0, "").succeeded()).isTrue();
  }

  @Test
  void new_invalidStopSignal_throws() {
    assertThatThrownBy(() -> new ProcessResult(COMMAND, 0, -1, ""))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
