package io.smtk.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectImageResponse;
import io.smtk.images.testing.ImageFigures;
import io.smtk.images.testing.ImageTests;
import io.smtk.images.testing.SageMakerJob;
import io.smtk.images.testing.TrainingContainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

/**
 * Tests for the PyTorch images (CPU and GPU variants): real PyTorch training, run as SageMaker runs
 * it.
 */
class PytorchImageIntegrationTest {

  private static final Map<String, String> LINE = Map.of("points.csv", "0,1\n1,3\n2,5\n3,7\n4,9\n");

  private static String image;
  private static String gpuImage;

  @BeforeAll
  static void images() {
    image = ImageTests.testImage();
    gpuImage = ImageTests.requireProperty("smtk.test.gpuImage");
  }

  @Test
  void train_linearRegression_writesModelAndSuccess(@TempDir Path dir) throws Exception {
    SageMakerJob job = job(dir);

    TrainingContainer.Result result = run(image, job);

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isZero();
    assertThat(result.logs()).contains("PyTorch training: runner PROCESS");
    assertThat(job.output().resolve("success")).exists();
    assertThat(job.model().resolve("model.pt")).isNotEmptyFile();
    String metrics = Files.readString(job.model().resolve("metrics.json"));
    assertThat(metrics)
        .contains("\"torch\": \"1.13")
        .contains("\"num_gpus\": \"0\"")
        .containsPattern("\"weight\": 1\\.9[0-9]*|\"weight\": 2\\.0[0-9]*");
    ImageFigures.report("pytorch", job, result);
  }

  @Test
  void train_shapeMismatch_writesTorchErrorToFailure(@TempDir Path dir) throws Exception {
    SageMakerJob job = job(dir).hyperparameter("bad-shape", "1");

    TrainingContainer.Result result = run(image, job);

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isEqualTo(1);
    assertThat(job.output().resolve("success")).doesNotExist();
    assertThat(Files.readString(job.output().resolve("failure")))
        .startsWith("ExecuteUserScriptError:")
        .contains("RuntimeError: mat1 and mat2 shapes cannot be multiplied");
  }

  @Test
  void train_gpuVariantWithFakeNvidiaSmi_userScriptSeesGpus(@TempDir Path dir) throws Exception {
    SageMakerJob job = job(dir);
    Path nvidiaSmi = Path.of(getClass().getResource("/pytorch/nvidia-smi").toURI());

    TrainingContainer container =
        TrainingContainer.of(gpuImage, job).executable(nvidiaSmi, "/usr/local/bin/nvidia-smi");
    TrainingContainer.Result result = container.run();

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isZero();
    assertThat(Files.readString(job.model().resolve("metrics.json")))
        .contains("\"num_gpus\": \"4\"");
    assertThat(Files.readString(job.output().resolve("data/run.json")))
        .contains("\"SM_NUM_GPUS\": \"4\"");
  }

  @Test
  void gpuImage_config_hasNvidiaRuntimeVariables() {
    InspectImageResponse inspected =
        DockerClientFactory.instance().client().inspectImageCmd(ImageTests.pull(gpuImage)).exec();

    assertThat(Arrays.asList(inspected.getConfig().getEnv()))
        .contains(
            "NVIDIA_VISIBLE_DEVICES=all",
            "NVIDIA_DRIVER_CAPABILITIES=compute,utility",
            "PYTHONUNBUFFERED=1",
            "SAGEMAKER_TRAINING_MODULE=sagemaker_pytorch_container.training:main");
  }

  private static SageMakerJob job(Path dir) throws Exception {
    Path code = Files.createDirectories(dir.resolve("source"));
    Files.copy(
        Path.of(PytorchImageIntegrationTest.class.getResource("/pytorch/code/train.py").toURI()),
        code.resolve("train.py"));
    return SageMakerJob.singleHost(Files.createDirectories(dir.resolve("opt-ml")))
        .channel("train", LINE)
        .submitFolder(code, "train.py");
  }

  private static TrainingContainer.Result run(String image, SageMakerJob job) {
    TrainingContainer container = TrainingContainer.of(image, job);
    return container.run();
  }
}
