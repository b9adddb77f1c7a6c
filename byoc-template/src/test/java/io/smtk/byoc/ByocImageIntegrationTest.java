package io.smtk.byoc;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectImageResponse;
import io.smtk.images.testing.ImageFigures;
import io.smtk.images.testing.ImageTests;
import io.smtk.images.testing.SageMakerJob;
import io.smtk.images.testing.TrainingContainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

/**
 * Tests for the BYOC template image, pushed by {@code jib:build} to the local registry and run as
 * SageMaker runs it.
 */
class ByocImageIntegrationTest {

  private static final Map<String, String> LINE = Map.of("points.csv", "0,1\n1,3\n2,5\n3,7\n");

  private static String image;

  @BeforeAll
  static void image() {
    image = ImageTests.testImage();
  }

  @Test
  void train_scriptInImage_writesModelAndSuccess(@TempDir Path dir) throws Exception {
    SageMakerJob job =
        SageMakerJob.singleHost(dir).channel("train", LINE).hyperparameter("epochs", "2");

    TrainingContainer.Result result = TrainingContainer.of(image, job).run();

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isZero();
    assertThat(job.output().resolve("success")).exists();
    assertThat(job.output().resolve("failure")).doesNotExist();
    // host and hyperparameters come from smtk's Python API
    // (sagemaker_training.environment.Environment()).
    assertThat(Files.readString(job.model().resolve("model.json")))
        .contains("\"slope\": 2.0")
        .contains("\"intercept\": 1.0")
        .contains("\"host\": \"algo-1\"")
        .contains("\"hyperparameters\": {\"epochs\": 2}");
    assertThat(result.logs()).contains("Reporting training SUCCESS");
    ImageFigures.report("byoc-template", job, result);
  }

  @Test
  void train_scriptRaises_writesFailureAndExitsNonZero(@TempDir Path dir) throws Exception {
    SageMakerJob job =
        SageMakerJob.singleHost(dir)
            .channel("train", LINE)
            .hyperparameter("fail-with", SageMakerJob.quote("deliberate failure 42"));

    TrainingContainer.Result result = TrainingContainer.of(image, job).run();

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isEqualTo(1);
    assertThat(job.output().resolve("success")).doesNotExist();
    assertThat(Files.readString(job.output().resolve("failure")))
        .startsWith("ExecuteUserScriptError:")
        .contains("ExitCode 1")
        .contains("RuntimeError: deliberate failure 42");
    assertThat(job.model().resolve("model.json")).doesNotExist();
  }

  @Test
  void run_noArguments_trainsAsWithTrain(@TempDir Path dir) throws Exception {
    SageMakerJob job = SageMakerJob.singleHost(dir).channel("train", LINE);

    TrainingContainer.Result result = TrainingContainer.of(image, job).command(List.of()).run();

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isZero();
    assertThat(job.output().resolve("success")).exists();
  }

  @Test
  void run_entrypointOverriddenWithTrain_trainsUnderInit(@TempDir Path dir) throws Exception {
    SageMakerJob job = SageMakerJob.singleHost(dir).channel("train", LINE);

    // `train` as PID 1 re-runs itself under tini; the user process then has tini as an ancestor.
    TrainingContainer.Result result =
        TrainingContainer.of(image, job)
            .command(List.of())
            .customize(
                c ->
                    c.withCreateContainerCmdModifier(
                        cmd -> cmd.withHostName("algo-1").withEntrypoint("train")))
            .run();

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isZero();
    assertThat(job.model().resolve("model.json")).exists();
  }

  @Test
  void train_userEnvironment_hasNoToolkitVariables(@TempDir Path dir) throws Exception {
    SageMakerJob job = SageMakerJob.singleHost(dir).channel("train", LINE);

    TrainingContainer.Result result = TrainingContainer.of(image, job).run();

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isZero();
    String run = Files.readString(job.output().resolve("data/run.json"));
    assertThat(run)
        .contains("\"PYTHONUNBUFFERED\": \"1\"")
        .contains("\"SAGEMAKER_PROGRAM\": \"train.py\"")
        .contains("\"SM_CURRENT_HOST\": \"algo-1\"")
        .doesNotContain("JAVA_")
        .doesNotContain("SMTK_")
        .doesNotContain("LD_PRELOAD")
        .doesNotContain("SAGEMAKER_TRAINING_MODULE");
  }

  @Test
  void image_config_hasLabelsEnvironmentAndEntrypoint() {
    InspectImageResponse inspected =
        DockerClientFactory.instance().client().inspectImageCmd(ImageTests.pull(image)).exec();

    assertThat(inspected.getConfig().getLabels())
        .containsKeys(
            "org.opencontainers.image.version",
            "org.opencontainers.image.revision",
            "org.opencontainers.image.source")
        .containsEntry(
            "io.smtk.toolkit.version", ImageTests.requireProperty("smtk.test.toolkitVersion"))
        .containsEntry("org.opencontainers.image.base.name", ImageTests.testBase());
    assertThat(inspected.getConfig().getLabels().get("org.opencontainers.image.revision"))
        .as("git commit")
        .matches("[0-9a-f]{40}");
    assertThat(Arrays.asList(inspected.getConfig().getEnv()))
        .contains("PYTHONUNBUFFERED=1", "SAGEMAKER_PROGRAM=train.py")
        .noneMatch(e -> e.startsWith("SAGEMAKER_TRAINING_MODULE="));
    assertThat(inspected.getConfig().getEntrypoint())
        .containsExactly("/opt/smtk/bin/tini", "-s", "--", "/opt/smtk/bin/entrypoint");
    assertThat(inspected.getConfig().getCmd()).containsExactly("train");
  }

  @Test
  void image_files_haveNoPrivateKeys(@TempDir Path dir) throws Exception {
    SageMakerJob job = SageMakerJob.singleHost(dir);

    TrainingContainer.Result result =
        TrainingContainer.of(image, job)
            .command(
                List.of(
                    "sh",
                    "-c",
                    "find / -xdev \\( -name 'ssh_host_*_key' -o -name 'id_rsa' -o -name"
                        + " 'id_ed25519' -o -name 'id_ecdsa' \\) -print; echo files-checked"))
            .run();

    assertThat(result.exitCode()).isZero();
    assertThat(result.logs().strip()).isEqualTo("files-checked");
  }
}
