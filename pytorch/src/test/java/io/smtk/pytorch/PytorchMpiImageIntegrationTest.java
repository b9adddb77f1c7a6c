package io.smtk.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.distributed.NetnsCluster;
import io.smtk.images.testing.ImageTests;
import io.smtk.images.testing.SageMakerJob;
import io.smtk.images.testing.TrainingContainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.PullPolicy;
import org.testcontainers.utility.DockerImageName;

/**
 * Tests for the PyTorch image as two hosts: two containers joined to the network namespaces of
 * {@code .ci/netns-hosts.sh} as {@code algo-1} and {@code algo-2}, with sshd started in each.
 */
class PytorchMpiImageIntegrationTest {

  private static final List<String> HOSTS = List.of("algo-1", "algo-2");

  private final List<String[]> cluster = new ArrayList<>();

  // Fresh per test: a run killed before its @AfterEach leaves its namespaces behind.
  private final String prefix = NetnsCluster.randomPrefix("smtkimg");

  @BeforeEach
  void cluster() throws Exception {
    ImageTests.testImage();
    Process up =
        new ProcessBuilder("bash", "../.ci/netns-hosts.sh", "up", "2", prefix)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(up.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(up.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(up.exitValue()).as("netns-hosts.sh up").isZero();
    for (String line : out.strip().split("\n")) {
      cluster.add(line.split(" ")); // algo-K NAMESPACE ADDRESS
    }
  }

  @AfterEach
  void down() throws Exception {
    new ProcessBuilder("bash", "../.ci/netns-hosts.sh", "down", prefix, "--kill-stragglers")
        .inheritIO()
        .start()
        .waitFor(60, TimeUnit.SECONDS);
  }

  @Test
  void mpirun_twoContainersOverSsh_ranksSeeBothHostsAndAllreduce(@TempDir Path dir)
      throws Exception {
    String image = ImageTests.testImage();
    Path ssh = sshKeys(dir.resolve("ssh"));
    SageMakerJob master = job(dir, "algo-1");
    SageMakerJob worker = job(dir, "algo-2");

    try (GenericContainer<?> algo2 =
        new GenericContainer<>(DockerImageName.parse(image))
            .withImagePullPolicy(PullPolicy.alwaysPull())) {
      configure(algo2, worker, ssh, 1);
      algo2
          .withCommand("sh", "/opt/ml/input/data/code/worker.sh")
          .waitingFor(
              Wait.forLogMessage(".*Server listening.*", 1)
                  .withStartupTimeout(Duration.ofSeconds(60)));
      algo2.start();

      TrainingContainer.Result result =
          TrainingContainer.of(image, master)
              .command(List.of("sh", "/opt/ml/input/data/code/master.sh"))
              .customize(c -> configure(c, master, ssh, 0))
              .timeout(Duration.ofMinutes(3))
              .run();

      assertThat(result.exitCode()).as("mpirun exit code; logs:\n%s", result.logs()).isZero();
      assertThat(result.logs())
          .contains("rank=0 hosts=algo-1,algo-2 mpi_sum=3 torch_sum=3")
          .contains("rank=1 hosts=algo-1,algo-2 mpi_sum=3 torch_sum=3");
    }
  }

  @Test
  void train_mpiEnabledTwoHosts_succeedsAndBothExit(@TempDir Path dir) throws Exception {
    String image = ImageTests.testImage();
    SageMakerJob master = runnerJob(dir, "algo-1");
    SageMakerJob worker = runnerJob(dir, "algo-2");

    try (GenericContainer<?> algo2 =
        new GenericContainer<>(DockerImageName.parse(image))
            .withImagePullPolicy(PullPolicy.alwaysPull())) {
      // The image's own command (train): the toolkit starts sshd with keys made at run time.
      configureRunner(algo2, worker, 1);
      algo2.start();

      TrainingContainer.Result result =
          TrainingContainer.of(image, master)
              .customize(c -> configureRunner(c, master, 0))
              .timeout(Duration.ofMinutes(4))
              .run();

      assertThat(result.exitCode())
          .as("algo-1 exit code; logs:\n%s\nalgo-2 logs:\n%s", result.logs(), algo2.getLogs())
          .isZero();
      assertThat(result.logs())
          .contains("mpirank:0,algo-1")
          .contains("mpirank:1,algo-2")
          .contains("rank=1 hosts=algo-1,algo-2 mpi_sum=3 torch_sum=3");
      assertThat(master.output().resolve("success")).exists();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (algo2.isRunning() && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(algo2.isRunning())
          .as("algo-2 still running 20 s after the job; logs:\n%s", algo2.getLogs())
          .isFalse();
      long workerExit =
          algo2
              .getDockerClient()
              .inspectContainerCmd(algo2.getContainerId())
              .exec()
              .getState()
              .getExitCodeLong();
      assertThat(workerExit).as("algo-2 exit code; logs:\n%s", algo2.getLogs()).isZero();
      assertThat(worker.output().resolve("success")).exists();
    }
  }

  private void configureRunner(GenericContainer<?> container, SageMakerJob job, int host) {
    String[] entry = cluster.get(host);
    container
        .withFileSystemBind(
            job.root().resolve("input").toString(), "/opt/ml/input", BindMode.READ_WRITE)
        .withFileSystemBind(job.model().toString(), "/opt/ml/model", BindMode.READ_WRITE)
        .withFileSystemBind(job.output().toString(), "/opt/ml/output", BindMode.READ_WRITE)
        .withNetworkMode("ns:/run/netns/" + entry[1])
        .withCreateContainerCmdModifier(cmd -> cmd.withHostName(entry[0]));
    for (String[] other : cluster) {
      container.withExtraHost(other[0], other[2]);
    }
  }

  private static SageMakerJob runnerJob(Path dir, String host) throws Exception {
    return job(dir.resolve("runner"), host)
        .hyperparameter("sagemaker_program", "\"allreduce.py\"")
        .hyperparameter("sagemaker_submit_directory", "\"/opt/ml/input/data/code\"")
        .hyperparameter("sagemaker_mpi_enabled", "true");
  }

  private void configure(GenericContainer<?> container, SageMakerJob job, Path ssh, int host) {
    String[] entry = cluster.get(host);
    container
        .withFileSystemBind(ssh.toString(), "/root/.ssh", BindMode.READ_ONLY)
        .withFileSystemBind(
            job.root().resolve("input").toString(), "/opt/ml/input", BindMode.READ_WRITE)
        .withNetworkMode("ns:/run/netns/" + entry[1])
        .withCreateContainerCmdModifier(cmd -> cmd.withHostName(entry[0]));
    for (String[] other : cluster) {
      container.withExtraHost(other[0], other[2]);
    }
  }

  private static SageMakerJob job(Path dir, String host) throws Exception {
    SageMakerJob job = SageMakerJob.create(Files.createDirectories(dir.resolve(host)), host, HOSTS);
    Map<String, String> code = new java.util.LinkedHashMap<>();
    for (String name : List.of("master.sh", "worker.sh", "allreduce.py")) {
      code.put(
          name,
          Files.readString(
              Path.of(
                  PytorchMpiImageIntegrationTest.class
                      .getResource("/pytorch/mpi/" + name)
                      .toURI())));
    }
    return job.channel("code", code);
  }

  // Root's key pair, made per test and mounted at run time: no key is ever in an image layer.
  private static Path sshKeys(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Process keygen =
        new ProcessBuilder(
                "ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-f",
                dir.resolve("id_ed25519").toString())
            .inheritIO()
            .start();
    assertThat(keygen.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Files.copy(dir.resolve("id_ed25519.pub"), dir.resolve("authorized_keys"));
    return dir;
  }
}
