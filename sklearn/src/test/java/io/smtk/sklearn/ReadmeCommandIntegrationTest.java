package io.smtk.sklearn;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.testing.JobTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs README command 1 exactly as the README gives it, from the checkout's root through {@code
 * /bin/sh}: the scikit-learn example trains with this module's entry, and its model loads and
 * scores. It lives in the sklearn module because the command needs this module's jar, which is
 * built after toolkit-core's.
 */
class ReadmeCommandIntegrationTest {

  /** README command 1, exactly as {@code README.md} and {@code examples/README.md} give it. */
  static final String README_COMMAND_1 =
      "bin/smtk local --framework sklearn --source-dir examples/sklearn-iris --entry-point train.py"
          + " --hyperparameter n-estimators=50 --output /tmp/smtk-example";

  @Test
  void readmeCommand1_freshOutput_trainsTheSklearnExampleAndTheModelScores() throws Exception {
    Path root = JobTree.projectRoot();
    assertThat(Files.readString(root.resolve("README.md"))).contains(README_COMMAND_1);
    assertThat(Files.readString(root.resolve("examples/README.md"))).contains(README_COMMAND_1);
    deleteTree(Path.of("/tmp/smtk-example"));

    ProcessBuilder builder =
        new ProcessBuilder("/bin/sh", "-c", README_COMMAND_1)
            .directory(root.toFile())
            .redirectErrorStream(true);
    // The README's machine, a fresh Debian 12: python3 on PATH is /usr/bin/python3 (smtk local uses
    // python3
    // from PATH; a developer's PATH may start with a pyenv or virtualenv that has no scikit-learn).
    builder.environment().put("PATH", "/usr/bin:/bin");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("Model: /tmp/smtk-example/model.tar.gz")
        .containsPattern("algo-1 \\| host=algo-1 n_estimators=50 test accuracy=");
    Process score =
        new ProcessBuilder(
                "/usr/bin/python3",
                "-c",
                String.join(
                    "\n",
                    "import io, tarfile, joblib",
                    "from sklearn.datasets import load_iris",
                    "with tarfile.open('/tmp/smtk-example/model.tar.gz') as tar:",
                    "    model = joblib.load(io.BytesIO(tar.extractfile('model.joblib').read()))",
                    "data = load_iris()",
                    "print(model.n_estimators, model.score(data.data, data.target))"))
            .redirectErrorStream(true)
            .start();
    String scored =
        new String(score.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(score.waitFor()).as(scored).isZero();
    assertThat(scored).startsWith("50 ");
    assertThat(Double.parseDouble(scored.split(" ")[1])).isGreaterThan(0.9);
  }

  @Test
  void readmeCommand1_pythonWithoutSklearn_stopsBeforeStartingWithOneLineSayingWhatToInstall(
      @TempDir Path dir) throws Exception {
    Path root = JobTree.projectRoot();
    deleteTree(Path.of("/tmp/smtk-example"));
    // A machine without python3-sklearn, simulated: Debian's python3 without its dist-packages.
    Path python =
        Files.writeString(dir.resolve("python3"), "#!/bin/sh\nexec /usr/bin/python3 -S \"$@\"\n");
    Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));

    ProcessBuilder builder =
        new ProcessBuilder("/bin/sh", "-c", README_COMMAND_1)
            .directory(root.toFile())
            .redirectErrorStream(true);
    builder.environment().put("SMTK_PYTHON", python.toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();

    assertThat(process.exitValue()).as(output).isEqualTo(2);
    // bin/smtk may first say that it built the toolkit; what smtk local printed is one line.
    String printed = output.substring(Math.max(0, output.indexOf("smtk local: ")));
    assertThat(printed.strip().lines())
        .as(output)
        .containsExactly(
            "smtk local: --framework sklearn needs the"
                + " Python module sklearn, which "
                + python
                + " cannot import (ModuleNotFoundError: No module named"
                + " 'sklearn'); install it: apt-get install python3-sklearn (Debian, as root) or pip install scikit-learn;"
                + " or name an interpreter that has it with --python");
    assertThat(Path.of("/tmp/smtk-example")).as("nothing started, nothing written").doesNotExist();
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
