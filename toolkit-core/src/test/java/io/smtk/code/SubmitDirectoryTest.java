package io.smtk.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtk.logging.ToolkitLog;
import io.smtk.process.StopCheck;
import io.smtk.process.TrainingStoppedException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link SubmitDirectory}. */
class SubmitDirectoryTest {

  private static final CodeFetcher NO_S3 =
      (uri, dir) -> {
        throw new AssertionError("no S3 here");
      };
  private static final ArchiveExtractor NO_ARCHIVE =
      (archive, dir) -> {
        throw new AssertionError("no archive here");
      };

  @TempDir Path tmp;

  private final ToolkitLog log = ToolkitLog.to(new PrintStream(new ByteArrayOutputStream()));

  @Test
  void provision_stopRequestedWhileCopyingADirectory_stopsAndLeavesTheCodeFolderEmpty()
      throws Exception {
    Path source = Files.createDirectories(tmp.resolve("src/pkg"));
    for (int i = 0; i < 20; i++) {
      Files.writeString(source.resolve("module" + i + ".py"), "x = " + i + "\n");
    }
    Path code = tmp.resolve("code");
    int[] asked = {0};
    StopCheck stopAtTheFifthFile =
        detail -> {
          if (++asked[0] == 5) {
            throw new TrainingStoppedException(15, detail);
          }
        };

    assertThatThrownBy(
            () ->
                SubmitDirectory.of(NO_S3, NO_ARCHIVE, log, stopAtTheFifthFile)
                    .provision(tmp.resolve("src").toString(), code))
        .isInstanceOf(TrainingStoppedException.class)
        .hasMessageContaining("while copying the user's code from " + tmp.resolve("src"));
    assertThat(code).isEmptyDirectory();
  }

  @Test
  void provision_directoryNeverStopped_copiedWhole() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("src/pkg"));
    Files.writeString(source.resolve("a.py"), "a = 1\n");

    SubmitDirectory.of(NO_S3, NO_ARCHIVE, log, StopCheck.NEVER)
        .provision(tmp.resolve("src").toString(), tmp.resolve("code"));

    assertThat(tmp.resolve("code/pkg/a.py")).hasContent("a = 1");
  }

  @Test
  void downloads_s3SubmitDirectory_trueOnlyWhileTheCodeDirectoryIsMissingOrEmpty(
      @org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    Path code = tmp.resolve("code");

    assertThat(SubmitDirectory.downloads("s3://bucket/code.tar.gz", code)).isTrue();
    Files.createDirectories(code);
    assertThat(SubmitDirectory.downloads("S3://bucket/code.tar.gz", code)).isTrue();
    assertThat(SubmitDirectory.downloads(tmp.resolve("elsewhere").toString(), code)).isFalse();
    Files.writeString(code.resolve("train.py"), "print(1)");
    assertThat(SubmitDirectory.downloads("s3://bucket/code.tar.gz", code))
        .as("files already there are used, as provision does")
        .isFalse();
  }
}
