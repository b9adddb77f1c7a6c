package io.smtk.images.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image tests of a framework that runs on a stand-in base (TensorFlow, MXNet): the image's own
 * framework entry runs the job, the stand-in package records what it was given, smtk's Python API
 * tells the script about its job, and a failing script's status and failure text come out of the
 * container; plus the tests of the DLC layout the stand-in base has.
 */
public abstract class StandinFrameworkImageTest implements DlcLayoutContract {

  private static String image;

  /**
   * Returns the framework's Python package name, which is also the folder of its test script.
   *
   * @return for example {@code tensorflow}
   */
  protected abstract String framework();

  /**
   * Returns the start of the line the framework entry logs about what it decided.
   *
   * @return for example {@code TensorFlow training: runner}
   */
  protected abstract String decisionLine();

  @BeforeAll
  static void image() {
    image = ImageTests.testImage();
  }

  @Test
  void train_standInFramework_writesModelAndRecord(@TempDir Path dir) throws Exception {
    SageMakerJob job = job(dir).hyperparameter("epochs", "3");

    TrainingContainer.Result result = TrainingContainer.of(image, job).run();

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isZero();
    assertThat(result.logs()).contains(decisionLine());
    assertThat(job.output().resolve("success")).exists();
    assertThat(Files.readString(job.model().resolve("1/saved_model.pb")))
        .contains("\"framework\": \"" + framework() + "\"")
        .contains("\"epochs\": 3");
    List<Path> records;
    try (Stream<Path> files = Files.list(job.output().resolve("data/standin"))) {
      records = files.toList();
    }
    assertThat(records).hasSize(1);
    assertThat(Files.readString(records.get(0)))
        .contains("\"argv\": [\"train.py\", \"--epochs\", \"3\"]")
        .contains("\"SM_CURRENT_HOST\": \"algo-1\"")
        .contains("\"hostname\": \"algo-1\"");
    assertThat(Files.readString(job.model().resolve("environment.json")))
        .contains("\"hyperparameters\": {\"epochs\": 3}")
        .contains("\"channel\": \"/opt/ml/input/data/training\"")
        .contains("\"cmd_args\": [\"--epochs\", \"3\"]")
        .contains("\"current_host\": \"algo-1\"")
        .contains("\"package\": \"/opt/smtk/python/sagemaker_training/__init__.py\"");
    ImageFigures.report(framework(), job, result);
  }

  @Test
  void train_scriptExitsThree_writesFailureAndExitsThree(@TempDir Path dir) throws Exception {
    SageMakerJob job = job(dir).hyperparameter("exit-code", "3");

    TrainingContainer.Result result = TrainingContainer.of(image, job).run();

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isEqualTo(3);
    assertThat(job.output().resolve("success")).doesNotExist();
    assertThat(Files.readString(job.output().resolve("failure")))
        .startsWith("ExecuteUserScriptError:")
        .contains("ExitCode 3")
        .contains("giving up with exit code 3");
  }

  private SageMakerJob job(Path dir) throws Exception {
    Path code = Files.createDirectories(dir.resolve("source"));
    Files.copy(
        Path.of(getClass().getResource("/" + framework() + "/code/train.py").toURI()),
        code.resolve("train.py"));
    return SageMakerJob.singleHost(Files.createDirectories(dir.resolve("opt-ml")))
        .channel("training", Map.of("data.txt", "1 2 3\n"))
        .submitFolder(code, "train.py");
  }
}
