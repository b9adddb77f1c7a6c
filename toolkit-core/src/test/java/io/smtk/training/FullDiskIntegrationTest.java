package io.smtk.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.process.SignalForwarder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link Trainer} on a full output disk: the output folder is a tiny tmpfs (mounted as
 * root, unmounted after) that the user's script fills before it fails. Needs root; fails in CI and
 * skips elsewhere without it.
 */
@Timeout(120)
class FullDiskIntegrationTest {

  @TempDir Path dir;
  private JobDir job;
  private Path output;
  private boolean mounted;

  @BeforeEach
  void mountTinyOutputDisk() throws Exception {
    if (!run("id", "-u").strip().equals("0")) {
      String reason = "mounting a tmpfs needs root";
      if (System.getenv("CI") != null) {
        Assertions.fail(reason + " (CI runs as root)");
      }
      Assumptions.abort(reason + " (skipped outside CI)");
    }
    job = new JobDir(dir.resolve("opt/ml"));
    output = job.base.resolve("output");
    run("mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "smtk-full-disk", output.toString());
    mounted = true;
    Files.createDirectories(output.resolve("data"));
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted) {
      run("umount", output.toString());
    }
  }

  @Test
  void train_scriptFillsTheOutputDiskThenFails_failureFileKeepsItsReason() throws Exception {
    job.code(
        "train.py",
        String.join(
            "\n",
            "import os",
            "path = os.path.join(os.environ['SM_OUTPUT_DATA_DIR'], 'fill')",
            "try:",
            "    with open(path, 'wb') as f:",
            "        while True:",
            "            f.write(b'x' * 4096)",
            "            f.flush()",
            "except OSError as e:",
            "    raise RuntimeError('the output disk is full: %s' % e)",
            ""));
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exitCode =
        Trainer.builder(
                job.env("train.py"),
                new PrintStream(new ByteArrayOutputStream(), true),
                new PrintStream(err, true))
            .signals(SignalForwarder.create())
            .build()
            .train();

    assertThat(exitCode).isEqualTo(1);
    assertThat(Files.size(output.resolve("data/fill"))).as("the disk was filled").isPositive();
    assertThat(job.failureText())
        .as(err.toString(StandardCharsets.UTF_8))
        .startsWith("ExecuteUserScriptError:\nExitCode 1\nErrorMessage \"")
        .contains("RuntimeError: the output disk is full");
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }
}
