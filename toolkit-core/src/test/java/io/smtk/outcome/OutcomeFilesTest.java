package io.smtk.outcome;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link OutcomeFiles}. */
class OutcomeFilesTest {

  @TempDir Path output;

  @Test
  void writeFailure_withReservedRoom_takesItOverAndEscapesControls() throws Exception {
    OutcomeFiles files = OutcomeFiles.in(output);
    assertThat(files.reserveFailureSpace()).isTrue();

    boolean written = files.writeFailure("ToolkitException: boom\u001b[0m\nsecond line");

    assertThat(written).isTrue();
    assertThat(files.failureFile()).hasContent("ToolkitException: boom\\x1b[0m\nsecond line");
    assertThat(output.resolve(OutcomeFiles.RESERVE_NAME)).doesNotExist();
  }

  @Test
  void writeFailure_userWroteOneAlready_keepsItWithOrWithoutReservedRoom() throws Exception {
    OutcomeFiles files = OutcomeFiles.in(output);
    files.reserveFailureSpace();
    Files.writeString(files.failureFile(), "my reason");

    assertThat(files.writeFailure("toolkit reason")).isFalse();
    files.releaseFailureSpace();
    assertThat(files.writeFailure("toolkit reason")).isFalse();
    assertThat(files.failureFile()).hasContent("my reason");
    assertThat(output.resolve(OutcomeFiles.RESERVE_NAME)).doesNotExist();
  }

  @Test
  void writeFailure_longerThanTheReservedRoom_writtenWhole() throws Exception {
    OutcomeFiles files = OutcomeFiles.in(output);
    files.reserveFailureSpace();
    String reason = "first line\n" + "x".repeat(3 * OutcomeFiles.RESERVE_BYTES);

    files.writeFailure(reason);

    assertThat(files.failureFile()).hasContent(reason);
  }

  @Test
  void releaseFailureSpace_afterSuccess_leavesNothing() throws Exception {
    OutcomeFiles files = OutcomeFiles.in(output);
    files.reserveFailureSpace();

    files.writeSuccess();
    files.releaseFailureSpace();

    try (var list = Files.list(output)) {
      assertThat(list.map(path -> path.getFileName().toString())).containsExactly("success");
    }
  }
}
