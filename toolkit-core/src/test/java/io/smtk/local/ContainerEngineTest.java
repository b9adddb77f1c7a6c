package io.smtk.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link ContainerEngine}. */
class ContainerEngineTest {

  private static final ContainerEngine PODMAN =
      new ContainerEngine("podman", Path.of("/usr/bin/podman"));
  private static final ContainerEngine DOCKER =
      new ContainerEngine("docker", Path.of("/usr/bin/docker"));

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
            Map.of("TRAINING_JOB_NAME", "job-1"),
            List.of());

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
            Map.of(),
            List.of());

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

  @Test
  void runCommand_credentialsAndEnv_valuesOnlyForPlainVariablesNamesAloneForCredentials(
      @TempDir Path dir) throws Exception {
    LocalJob job =
        LocalJob.builder(dir.resolve("out"), "job-3")
            .image("img:1")
            .environment("NCCL_DEBUG=INFO")
            .build();
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("TRAINING_JOB_NAME", "job-3");
    environment.put("NCCL_DEBUG", "INFO");

    List<String> command =
        PODMAN.runCommand(
            job,
            "algo-1",
            Path.of("/t/algo-1"),
            null,
            Map.of(),
            environment,
            List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"));

    assertThat(command)
        .containsSubsequence(
            "-e",
            "TRAINING_JOB_NAME=job-3",
            "-e",
            "NCCL_DEBUG=INFO",
            "-e",
            "AWS_ACCESS_KEY_ID",
            "-e",
            "AWS_SECRET_ACCESS_KEY",
            "img:1",
            "train");
    assertThat(command).noneMatch(argument -> argument.startsWith("AWS_ACCESS_KEY_ID="));
  }

  @Test
  void runCommand_gpusAllOnPodman_addsTheCdiDeviceBeforeTheImage(@TempDir Path dir)
      throws Exception {
    LocalJob job =
        LocalJob.builder(dir.resolve("out"), "job-4").image("img:gpu").gpus("all").build();

    List<String> command =
        PODMAN.runCommand(job, "algo-1", Path.of("/t/algo-1"), null, Map.of(), Map.of(), List.of());

    assertThat(command.subList(command.size() - 4, command.size()))
        .containsExactly("--device", "nvidia.com/gpu=all", "img:gpu", "train");
  }

  @Test
  void gpuOptions_countOnPodmanAndDocker_cdiDevicesByIndexOrDockersGpus() {
    assertThat(PODMAN.gpuOptions("2"))
        .containsExactly("--device", "nvidia.com/gpu=0", "--device", "nvidia.com/gpu=1");
    assertThat(DOCKER.gpuOptions("2")).containsExactly("--gpus", "2");
    assertThat(DOCKER.gpuOptions("all")).containsExactly("--gpus", "all");
  }

  @Test
  void pullCommand_podmanAndDocker_pullTheImage() {
    assertThat(PODMAN.pullCommand("public.ecr.aws/x/y:1"))
        .containsExactly("/usr/bin/podman", "pull", "public.ecr.aws/x/y:1");
    assertThat(DOCKER.pullCommand("y:1")).containsExactly("/usr/bin/docker", "pull", "y:1");
  }

  @Test
  void stream_carriageReturnProgress_passesTheLastRedrawOfEachLine(@TempDir Path dir)
      throws Exception {
    Path script =
        Files.writeString(
            dir.resolve("engine"),
            "#!/bin/sh\nprintf 'Copying blob 1\\rCopying blob 1 done\\n' >&2\necho Writing manifest\nexit 3\n");
    Files.setPosixFilePermissions(
        script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    List<String> lines = new java.util.ArrayList<>();

    int status =
        ContainerEngine.stream(
            List.of(script.toString()), Map.of("PATH", "/usr/bin:/bin"), lines::add);

    assertThat(status).isEqualTo(3);
    assertThat(lines).containsExactly("Copying blob 1 done", "Writing manifest");
  }
}
