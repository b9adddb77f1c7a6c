package io.smtk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.testing.JobTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks on the real checkout and JDK that a usual {@code bin/smtk} run maps what its start-up
 * figures rest on: the toolkit's class archive and the JDK's archived module graph, which a
 * collector or archive that does not fit silently turns off (~15 ms of every start).
 */
class BinSmtkStartupIntegrationTest {

  @TempDir Path tmp;

  @Test
  void smtk_usualRun_mapsToolkitArchiveAndModuleGraph() throws Exception {
    // The first run builds what is missing and makes the archive; the second is a usual one.
    assertThat(smtkVersion(null)).isZero();
    Path log = tmp.resolve("cds.log");

    int exitCode = smtkVersion("-Xlog:cds=info:file=" + log);

    assertThat(exitCode).isZero();
    String cds = Files.readString(log, StandardCharsets.UTF_8);
    // Java 17 says "Opened archive", 25 "Opened shared archive file". A JDK without its own CDS
    // archive (lib/server/classes.jsa) has no module graph to map.
    assertThat(cds)
        .as("the JVM's cds log")
        .containsPattern("Opened (shared )?archive( file)? .*/\\.smtk-cache/smtk-[0-9]+\\.jsa")
        .contains("full module graph: enabled")
        .doesNotContain("CDS heap data is being ignored");
  }

  private int smtkVersion(String jvmOptions) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(List.of(JobTree.smtk().toString(), "--version"))
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("smtk.out").toFile());
    builder.environment().remove("SMTK_DEV");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().remove("_JAVA_OPTIONS");
    if (jvmOptions == null) {
      builder.environment().remove("JDK_JAVA_OPTIONS");
    } else {
      // The launcher puts these before the script's own flags, and a file output of the cds log is
      // not turned off by the script's -Xlog:cds=off, which only concerns standard output.
      builder.environment().put("JDK_JAVA_OPTIONS", jvmOptions);
    }
    Process process = builder.start();
    assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("bin/smtk --version ended").isTrue();
    return process.exitValue();
  }
}
