package io.smtk.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for tini as the images' PID 1, the copy the images module stages and with the flags the
 * image's entrypoint gives it ({@code -s --}): what smtk relies on it for (images/README.md "PID
 * 1").
 */
class TiniTest {

  private static final String INIT =
      System.getProperty("smtk.tini", "target/image/root/opt/smtk/bin/tini");

  @Test
  void run_childExits_exitsWithChildStatus() throws Exception {
    Process init = start("sh", "-c", "exit 7");

    assertThat(init.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(init.exitValue()).isEqualTo(7);
  }

  @Test
  void run_sigterm_forwardsToChildAndExitsWithItsStatus(@TempDir Path dir) throws Exception {
    Path ready = dir.resolve("ready");
    Path got = dir.resolve("got");
    Process init =
        start(
            "sh",
            "-c",
            "trap 'echo TERM > "
                + got
                + "; exit 42' TERM; touch "
                + ready
                + "; while :; do sleep 0.05; done");
    awaitFile(ready);

    init.destroy(); // SIGTERM, to tini only

    assertThat(init.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(init.exitValue()).isEqualTo(42);
    assertThat(Files.readString(got).strip()).isEqualTo("TERM");
  }

  @Test
  void run_childKilledBySignal_exitsWith128PlusSignal() throws Exception {
    Process init = start("sh", "-c", "kill -KILL $$");

    assertThat(init.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(init.exitValue()).isEqualTo(128 + 9);
  }

  @Test
  void run_orphanExits_isReapedNotLeftAZombie(@TempDir Path dir) throws Exception {
    Path ready = dir.resolve("ready");
    // The subshell exits at once, so `sleep 0.2` is orphaned; it comes to tini (child subreaper,
    // -s),
    // which must reap it when it ends while the main child still runs.
    Process init = start("sh", "-c", "(sleep 0.2 &); touch " + ready + "; sleep 3");
    awaitFile(ready);
    Thread.sleep(1000);

    List<String> zombies = new ArrayList<>();
    for (Path stat : children(init.pid())) {
      String text = Files.readString(stat, StandardCharsets.US_ASCII);
      String state = text.substring(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3);
      if (state.equals("Z")) {
        zombies.add(text);
      }
    }
    init.destroy();
    init.waitFor(10, TimeUnit.SECONDS);

    assertThat(zombies).as("zombie children of tini").isEmpty();
  }

  @Test
  void run_missingCommand_exits127WithMessage() throws Exception {
    Process init =
        new ProcessBuilder(INIT, "-s", "--", "/no/such/command").redirectErrorStream(true).start();

    assertThat(init.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(init.exitValue()).isEqualTo(127);
    assertThat(new String(init.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("exec /no/such/command failed: No such file or directory");
  }

  @Test
  void run_notPid1WithSubreaperFlag_printsNoWarning() throws Exception {
    Process init = new ProcessBuilder(INIT, "-s", "--", "true").redirectErrorStream(true).start();

    assertThat(init.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(init.exitValue()).isZero();
    assertThat(new String(init.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void file_staticallyLinked_needsNoGlibcFromTheBase() throws Exception {
    Process objdump = new ProcessBuilder("objdump", "-p", INIT).redirectErrorStream(true).start();
    String headers = new String(objdump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(objdump.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(headers)
        .contains("file format elf64")
        .doesNotContain("NEEDED")
        .doesNotContain("GLIBC_");
  }

  private static Process start(String... command) throws IOException {
    List<String> full = new ArrayList<>(List.of(INIT, "-s", "--"));
    full.addAll(List.of(command));
    return new ProcessBuilder(full).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static List<Path> children(long parent) throws IOException {
    List<Path> children = new ArrayList<>();
    try (var procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path proc : procs) {
        Path stat = proc.resolve("stat");
        try {
          String text = Files.readString(stat, StandardCharsets.US_ASCII);
          String[] after = text.substring(text.lastIndexOf(')') + 2).split(" ");
          if (Long.parseLong(after[1]) == parent) {
            children.add(stat);
          }
        } catch (IOException | RuntimeException e) {
          // The process ended while we looked.
        }
      }
    }
    return children;
  }

  private static void awaitFile(Path file) throws InterruptedException {
    for (int i = 0; i < 200 && !Files.exists(file); i++) {
      Thread.sleep(25);
    }
    assertThat(file).exists();
  }
}
