package io.smtk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.testing.JobTree;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests {@code bin/smtk}'s first build in a checkout of its own (a copy of the script, nothing
 * built), with a scripted {@code mvn} first on {@code PATH} that prints what Maven prints and
 * records how it was called: the build is never run for real here.
 */
class BinSmtkBuildTest {

  @TempDir Path dir;
  private Path checkout;
  private Path calls;
  private Path bin;

  @BeforeEach
  void setUp() throws Exception {
    checkout = Files.createDirectories(dir.resolve("checkout"));
    Files.createDirectories(checkout.resolve("bin"));
    Path smtk = checkout.resolve("bin/smtk");
    Files.copy(JobTree.smtk(), smtk);
    Files.setPosixFilePermissions(smtk, PosixFilePermissions.fromString("rwxr-xr-x"));
    calls = dir.resolve("mvn-calls.log");
    bin = Files.createDirectories(dir.resolve("fake-bin"));
  }

  @Test
  void smtk_firstBuild_oneProgressLinePerModuleAndMavenInBatchModeWithoutColours()
      throws Exception {
    fakeMaven(
        """
        printf '[INFO] Scanning for projects...\\n'
        printf '[INFO] Building smtk toolkit-core 0.1.0-SNAPSHOT                      [1/2]\\n'
        printf '[INFO] Building jar: %s/toolkit-core/target/toolkit-core-0.1.0-SNAPSHOT.jar\\n' "$PWD"
        printf '[INFO] Building smtk images 0.1.0-SNAPSHOT                            [2/2]\\n'
        mkdir -p toolkit-core/target && : > toolkit-core/target/toolkit-core-0.1.0-SNAPSHOT.jar
        """);

    String stderr = runSmtk();

    assertThat(stderr.lines().filter(line -> line.startsWith("smtk: building")).toList())
        .containsExactly(
            "smtk: building the toolkit (not built yet; a minute or two the first time; log: "
                + checkout.resolve(".smtk-cache/build.log")
                + ")",
            "smtk: building [1/2] smtk toolkit-core 0.1.0-SNAPSHOT",
            "smtk: building [2/2] smtk images 0.1.0-SNAPSHOT");
    assertThat(stderr).doesNotContain("\u001b").doesNotContain("Building jar");
    List<String> call = Files.readAllLines(calls);
    assertThat(call.get(0).split(" "))
        .contains("-B", "-Dstyle.color=never", "-DskipTests", "package");
    assertThat(call.get(1)).contains("-Djansi.noreset=true");
    assertThat(Files.readString(checkout.resolve(".smtk-cache/build.log")))
        .contains("[INFO] Building jar: ");
  }

  @Test
  void smtk_buildFails_showsMavensErrorsAndWhereTheLogIs() throws Exception {
    fakeMaven(
        """
        printf '[INFO] Building smtk toolkit-core 0.1.0-SNAPSHOT                      [1/1]\\n'
        printf '[ERROR] /x/Foo.java:[3,1] class, interface, enum, or record expected\\n'
        exit 1
        """);

    String stderr = runSmtk();

    assertThat(stderr)
        .contains(
            "smtk: the build failed; its errors (all of it: "
                + checkout.resolve(".smtk-cache/build.log")
                + "):")
        .contains("[ERROR] /x/Foo.java:[3,1] class, interface, enum, or record expected");
  }

  private void fakeMaven(String body) throws Exception {
    Path mvn =
        Files.writeString(
            bin.resolve("mvn"),
            "#!/bin/sh\n"
                + "echo \"$*\" >> '"
                + calls
                + "'\n"
                + "echo \"MAVEN_OPTS=$MAVEN_OPTS\" >> '"
                + calls
                + "'\n"
                + body);
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwx------"));
  }

  private String runSmtk() throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(checkout.resolve("bin/smtk").toString(), "--version")
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(dir.resolve("stderr.log").toFile());
    builder.environment().clear();
    builder.environment().putAll(Map.of("PATH", bin + ":/usr/bin:/bin", "HOME", dir.toString()));
    Process process = builder.start();
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return Files.readString(dir.resolve("stderr.log"), StandardCharsets.UTF_8);
  }
}
