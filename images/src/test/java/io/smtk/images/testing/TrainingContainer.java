package io.smtk.images.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.images.PullPolicy;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * Runs an smtk image as SageMaker runs a training job: {@code docker run IMAGE train} with the
 * job's {@code input}, {@code model} and {@code output} folders mounted under {@code /opt/ml} (the
 * image's own {@code /opt/ml/code} stays visible), the host name {@code algo-N}, and no network.
 */
public final class TrainingContainer {

  private final String image;
  private final SageMakerJob job;
  private final Map<String, String> environment = new LinkedHashMap<>();
  private final List<Consumer<GenericContainer<?>>> customizers = new ArrayList<>();
  private List<String> command = List.of("train");
  private Duration timeout = Duration.ofMinutes(5);

  private TrainingContainer(String image, SageMakerJob job) {
    this.image = image;
    this.job = job;
  }

  /**
   * Prepares a run of the image on the job.
   *
   * @param image the image reference
   * @param job the job tree
   * @return the run, not started
   */
  public static TrainingContainer of(String image, SageMakerJob job) {
    return new TrainingContainer(image, job);
  }

  /**
   * Sets a variable the way a training job's {@code Environment} does.
   *
   * @param name the name
   * @param value the value
   * @return this run
   */
  public TrainingContainer env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /**
   * Replaces the command ({@code train} by default, as SageMaker passes it).
   *
   * @param command the command; empty runs the image's default
   * @return this run
   */
  public TrainingContainer command(List<String> command) {
    this.command = List.copyOf(command);
    return this;
  }

  /**
   * Copies an executable file into the container before it starts.
   *
   * @param hostPath the file on the host
   * @param containerPath where it goes
   * @return this run
   */
  public TrainingContainer executable(java.nio.file.Path hostPath, String containerPath) {
    customizers.add(
        c -> c.withCopyFileToContainer(MountableFile.forHostPath(hostPath, 0755), containerPath));
    return this;
  }

  /**
   * Adds any other container setting.
   *
   * @param customizer changes the container before it starts
   * @return this run
   */
  public TrainingContainer customize(Consumer<GenericContainer<?>> customizer) {
    customizers.add(customizer);
    return this;
  }

  /**
   * Sets how long the job may run.
   *
   * @param timeout the limit
   * @return this run
   */
  public TrainingContainer timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  /**
   * Runs the container to its end and removes it.
   *
   * @return what happened
   */
  public Result run() {
    try (GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))) {
      container
          // Every build pushes the test image under the same tag: a copy cached by an earlier run
          // is stale.
          .withImagePullPolicy(PullPolicy.alwaysPull())
          .withFileSystemBind(
              job.root().resolve("input").toString(), "/opt/ml/input", BindMode.READ_WRITE)
          .withFileSystemBind(job.model().toString(), "/opt/ml/model", BindMode.READ_WRITE)
          .withFileSystemBind(job.output().toString(), "/opt/ml/output", BindMode.READ_WRITE)
          .withNetworkMode("none")
          .withCreateContainerCmdModifier(cmd -> cmd.withHostName(job.currentHost()))
          .withStartupCheckStrategy(new ExitedCheck().withTimeout(timeout));
      if (!command.isEmpty()) {
        container.withCommand(command.toArray(String[]::new));
      }
      environment.forEach(container::withEnv);
      customizers.forEach(c -> c.accept(container));
      Instant before = Instant.now();
      container.start();
      Duration wall = Duration.between(before, Instant.now());
      InspectContainerResponse.ContainerState state =
          container
              .getDockerClient()
              .inspectContainerCmd(container.getContainerId())
              .exec()
              .getState();
      return new Result(
          state.getExitCodeLong().intValue(),
          container.getLogs(),
          Instant.parse(state.getStartedAt()),
          Instant.parse(state.getFinishedAt()),
          wall);
    }
  }

  /**
   * The end of a training container.
   *
   * @param exitCode the container's exit code
   * @param logs its stdout and stderr
   * @param startedAt when the engine started its first process
   * @param finishedAt when it ended
   * @param wall how long creating, running and waiting took, seen from the test
   */
  public record Result(
      int exitCode, String logs, Instant startedAt, Instant finishedAt, Duration wall) {}

  /**
   * Counts a container as started once it has exited, whatever its exit code (failures are tested
   * too).
   */
  private static final class ExitedCheck extends StartupCheckStrategy {
    @Override
    public StartupStatus checkStartupState(DockerClient dockerClient, String containerId) {
      InspectContainerResponse.ContainerState state = getCurrentState(dockerClient, containerId);
      return Boolean.TRUE.equals(state.getRunning())
          ? StartupStatus.NOT_YET_KNOWN
          : StartupStatus.SUCCESSFUL;
    }
  }
}
