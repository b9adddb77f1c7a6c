package io.smtk.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectImageResponse;
import io.smtk.images.testing.DlcLayoutContract;
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
 * Tests for the PyTorch images (CPU and GPU variants): real PyTorch training, run as SageMaker runs
 * it, on the stand-in for the PyTorch DLC bases (Debian 12 with its PyTorch 1.13, in the DLC
 * layout), and a Python framework module selected with {@code SAGEMAKER_TRAINING_MODULE}.
 */
class PytorchImageIntegrationTest implements DlcLayoutContract {

  private static final Map<String, String> LINE = Map.of("points.csv", "0,1\n1,3\n2,5\n3,7\n4,9\n");

  private static String image;
  private static String gpuImage;

  @BeforeAll
  static void images() {
    image = ImageTests.testImage();
    gpuImage = ImageTests.requireProperty("smtk.test.gpuImage");
  }

  @Override
  public String condaPrefix() {
    return "/opt/conda";
  }

  @Override
  public String familyGlibc() {
    return "2.36"; // the DLC base is Ubuntu 22.04 (2.35); the stand-in is Debian 12, the nearest
    // Debian
  }

  @Test
  void train_linearRegression_writesModelAndSuccess(@TempDir Path dir) throws Exception {
    SageMakerJob job = job(dir).hyperparameter("epochs", "300");

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
    assertThat(Files.readString(job.model().resolve("environment.json")))
        .contains("\"hyperparameters\": {\"epochs\": 300}")
        .contains("\"channel\": \"/opt/ml/input/data/train\"")
        .contains("\"cmd_args\": [\"--epochs\", \"300\"]")
        .contains("\"package\": \"/opt/smtk/python/sagemaker_training/__init__.py\"");
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
  void train_pythonFrameworkModuleOnPythonPath_runsEntryPointThroughToolkit(@TempDir Path dir)
      throws Exception {
    SageMakerJob job = job(dir);

    TrainingContainer.Result result =
        TrainingContainer.of(image, job)
            .env("SAGEMAKER_TRAINING_MODULE", "my_framework.training:main")
            .env("PYTHONPATH", frameworkPackage(job))
            .run();

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isZero();
    assertThat(job.output().resolve("success")).exists();
    assertThat(Files.readString(job.model().resolve("framework.json")))
        .contains("\"framework_module\": \"my_framework.training:main\"")
        .contains("\"user_entry_point\": \"train.py\"")
        .contains("\"module_dir\": \"/opt/ml/input/data/code\"")
        .contains("\"hosts\": [\"algo-1\"]");
    assertThat(job.model().resolve("model.pt"))
        .as("the entry point entry_point.run started")
        .isNotEmptyFile();
    assertThat(Files.readString(job.output().resolve("data/run.json")))
        .contains("\"MY_FRAMEWORK\": \"1\"");
  }

  @Test
  void train_pythonFrameworkModuleRaisesClientError_failureCarriesItsText(@TempDir Path dir)
      throws Exception {
    SageMakerJob job = job(dir);

    TrainingContainer.Result result =
        TrainingContainer.of(image, job)
            .env("SAGEMAKER_TRAINING_MODULE", "my_framework.training:main")
            .env("PYTHONPATH", frameworkPackage(job))
            .env("MY_FRAMEWORK_REFUSE", "no GPUs for job 42")
            .run();

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isEqualTo(1);
    assertThat(job.output().resolve("success")).doesNotExist();
    assertThat(Files.readString(job.output().resolve("failure")))
        .contains("my_framework refuses to train: no GPUs for job 42");
    assertThat(job.model().resolve("framework.json")).as("the module ran").exists();
    assertThat(job.model().resolve("model.pt")).as("the entry point never ran").doesNotExist();
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
  void gpuImage_config_hasNvidiaRuntimeVariablesAndGpuReleaseTags() throws Exception {
    InspectImageResponse inspected =
        DockerClientFactory.instance().client().inspectImageCmd(ImageTests.pull(gpuImage)).exec();

    assertThat(Arrays.asList(inspected.getConfig().getEnv()))
        .contains(
            "NVIDIA_VISIBLE_DEVICES=all",
            "NVIDIA_DRIVER_CAPABILITIES=compute,utility",
            "PYTHONUNBUFFERED=1",
            "SAGEMAKER_TRAINING_MODULE=sagemaker_pytorch_container.training:main");
    List<String> tags =
        Arrays.asList(ImageTests.requireProperty("smtk.test.gpuReleaseTags").split(","));
    assertThat(tags)
        .containsExactly("2.5.1-gpu-py311-cu124-ubuntu22.04-sagemaker", "2.5.1-gpu-py311");
    assertThat(inspected.getConfig().getLabels())
        .containsEntry("org.opencontainers.image.version", tags.get(0));
    String repository = gpuImage.substring(0, gpuImage.lastIndexOf(':'));
    for (String tag : tags) {
      assertThat(ImageTests.registryDigest(repository + ":" + tag))
          .as("tag %s", tag)
          .isEqualTo(ImageTests.registryDigest(gpuImage));
    }
  }

  @Test
  void image_releaseTags_followTheDlcScheme() {
    assertThat(ImageTests.releaseTags())
        .containsExactly("2.5.1-cpu-py311-ubuntu22.04-sagemaker", "2.5.1-cpu-py311");
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

  // The package sits in the job tree, outside the code, and PYTHONPATH (the container's
  // environment) names it.
  private static String frameworkPackage(SageMakerJob job) throws Exception {
    for (String file : List.of("__init__.py", "training.py")) {
      job.file(
          "input/python/my_framework/" + file,
          Files.readString(
              Path.of(
                  PytorchImageIntegrationTest.class
                      .getResource("/pytorch/framework/my_framework/" + file)
                      .toURI())));
    }
    return "/opt/ml/input/python";
  }

  private static TrainingContainer.Result run(String image, SageMakerJob job) {
    TrainingContainer container = TrainingContainer.of(image, job);
    return container.run();
  }
}
