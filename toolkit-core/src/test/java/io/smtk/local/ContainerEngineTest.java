package io.smtk.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link ContainerEngine}. */
class ContainerEngineTest {

  private static final ContainerEngine PODMAN =
      new ContainerEngine("podman", Path.of("/usr/bin/podman"));

  @Test
  void runCommand_oneHostWithCode_mountsTheTreeAndRunsTrain(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("train.py"), "print(1)\n");
    LocalJob job =
        LocalJob.builder(dir.resolve("out"), "job-1")
            .sourceDir(dir)
            .entryPoint("train.py")
            .image("localhost/my-image:1")
            .build();

    List<String> command =
        PODMAN.runCommand(
            job,
            "algo-1",
            Path.of("/tmp/t/algo-1"),
            null,
            Map.of(),
            Map.of("TRAINING_JOB_NAME", "job-1"));

    assertThat(command)
        .containsExactly(
            "/usr/bin/podman",
            "run",
            "--rm",
            "--name",
            "job-1-algo-1",
            "--hostname",
            "algo-1",
            "-v",
            "/tmp/t/algo-1/input:/opt/ml/input",
            "-v",
            "/tmp/t/algo-1/model:/opt/ml/model",
            "-v",
            "/tmp/t/algo-1/output:/opt/ml/output",
            "-v",
            "/tmp/t/algo-1/code:/opt/ml/code",
            "-e",
            "TRAINING_JOB_NAME=job-1",
            "localhost/my-image:1",
            "train");
  }

  @Test
  void runCommand_imageWithBakedCode_leavesOptMlCodeAlone(@TempDir Path dir) throws Exception {
    LocalJob job =
        LocalJob.builder(dir.resolve("out"), "job-2").image("byoc:latest").instanceCount(2).build();

    List<String> command =
        PODMAN.runCommand(
            job,
            "algo-2",
            Path.of("/t/algo-2"),
            "job-2-net",
            ContainerEngine.addresses("10.89.0.0/24", job.hosts()),
            Map.of());

    assertThat(command)
        .containsExactly(
            "/usr/bin/podman",
            "run",
            "--rm",
            "--name",
            "job-2-algo-2",
            "--hostname",
            "algo-2",
            "--network",
            "job-2-net",
            "--network-alias",
            "algo-2",
            "--ip",
            "10.89.0.11",
            "--add-host",
            "algo-1:10.89.0.10",
            "--add-host",
            "algo-2:10.89.0.11",
            "-v",
            "/t/algo-2/input:/opt/ml/input",
            "-v",
            "/t/algo-2/model:/opt/ml/model",
            "-v",
            "/t/algo-2/output:/opt/ml/output",
            "byoc:latest",
            "train");
  }

  @Test
  void addresses_noIpv4Subnet_empty() {
    assertThat(ContainerEngine.addresses("fd00::/64", java.util.List.of("algo-1"))).isEmpty();
  }

  @Test
  void imageExistsCommand_podmanAndDocker_useTheirOwnQuery() {
    assertThat(PODMAN.imageExistsCommand("x:1"))
        .containsExactly("/usr/bin/podman", "image", "exists", "x:1");
    assertThat(new ContainerEngine("docker", Path.of("/usr/bin/docker")).imageExistsCommand("x:1"))
        .containsExactly("/usr/bin/docker", "image", "inspect", "--format", "{{.Id}}", "x:1");
  }
}
