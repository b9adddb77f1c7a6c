package io.smtk.byoc;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.images.testing.ImageTests;
import io.smtk.testing.JobTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the byoc-template image the way its README tells a user to test it, {@code smtk local
 * --image}, on two container hosts: each container trains and keeps its own model.
 */
class ByocLocalModeIntegrationTest {

  @TempDir Path dir;

  @Test
  void local_byocImageOnTwoHosts_eachContainerTrainsAndKeepsItsModel() throws Exception {
    // smtk local pulls an image only when podman has none under that name, so a stale copy from an
    // earlier run would be used: pull this build's image first.
    String image = ImageTests.pulledTestImage();
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("line.csv"), "1,3\n2,5\n3,7\n");
    Path out = dir.resolve("out");
    ProcessBuilder builder =
        new ProcessBuilder(
                JobTree.smtk().toString(),
                "local",
                "--image",
                image,
                "--instance-count",
                "2",
                "--channel",
                "train=" + data,
                "--output",
                out.toString())
            .redirectErrorStream(true);
    // podman runs runc, conmon and iptables from the sbin folders.
    builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
    Process process = builder.start();
    String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();

    assertThat(process.exitValue()).as(log).isZero();
    assertThat(log).contains("algo-1 | trained on 3 rows").contains("algo-2 | trained on 3 rows");
    assertThat(extract(out.resolve("model.tar.gz"), "model.json")).contains("\"slope\": 2.0");
    assertThat(extract(out.resolve("model-algo-2.tar.gz"), "model.json"))
        .contains("\"slope\": 2.0");
    assertThat(extract(out.resolve("output.tar.gz"), "success")).isEmpty();
  }

  private static String extract(Path archive, String entry) throws Exception {
    for (String name : List.of(entry, "./" + entry)) {
      Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-O", name).start();
      String content = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (tar.waitFor() == 0) {
        return content;
      }
    }
    throw new AssertionError(entry + " not in " + archive);
  }
}
