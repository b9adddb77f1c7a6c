package io.smtk.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.framework.FrameworkEntries;
import io.smtk.images.testing.ImageFigures;
import io.smtk.images.testing.ImageTests;
import io.smtk.images.testing.SageMakerJob;
import io.smtk.images.testing.TrainingContainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for the TensorFlow image on the stand-in base, whose {@code tensorflow} package records what it was given. */
class TensorflowImageIntegrationTest {

  private static String image;
  private static Map<String, String> mode;

  @BeforeAll
  static void image() {
    image = ImageTests.testImage();
    // Until the TensorFlow FrameworkEntry exists, run script mode (blank SAGEMAKER_TRAINING_MODULE).
    String module = System.getProperty("smtk.test.trainingModule");
    mode = FrameworkEntries.load().validValues().contains(module) ? Map.of()
        : Map.of("SAGEMAKER_TRAINING_MODULE", "");
  }

  @Test
  void train_standInFramework_writesModelAndRecord(@TempDir Path dir) throws Exception {
    SageMakerJob job = job(dir).hyperparameter("epochs", "3");

    TrainingContainer.Result result = run(job);

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isZero();
    assertThat(job.output().resolve("success")).exists();
    assertThat(Files.readString(job.model().resolve("1/saved_model.pb")))
        .contains("\"framework\": \"tensorflow\"").contains("\"epochs\": 3");
    List<Path> records;
    try (Stream<Path> files = Files.list(job.output().resolve("data/standin"))) {
      records = files.toList();
    }
    assertThat(records).hasSize(1);
    assertThat(Files.readString(records.get(0)))
        .contains("\"argv\": [\"train.py\", \"--epochs\", \"3\"]")
        .contains("\"SM_CURRENT_HOST\": \"algo-1\"")
        .contains("\"hostname\": \"algo-1\"");
    ImageFigures.report("tensorflow", job, result);
  }

  @Test
  void train_scriptExitsThree_writesFailureAndExitsThree(@TempDir Path dir) throws Exception {
    SageMakerJob job = job(dir).hyperparameter("exit-code", "3");

    TrainingContainer.Result result = run(job);

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isEqualTo(3);
    assertThat(job.output().resolve("success")).doesNotExist();
    assertThat(Files.readString(job.output().resolve("failure")))
        .startsWith("ExecuteUserScriptError:")
        .contains("ExitCode 3")
        .contains("giving up with exit code 3");
  }

  private static SageMakerJob job(Path dir) throws Exception {
    Path code = Files.createDirectories(dir.resolve("source"));
    Files.copy(Path.of(TensorflowImageIntegrationTest.class.getResource("/tensorflow/code/train.py").toURI()),
        code.resolve("train.py"));
    return SageMakerJob.singleHost(Files.createDirectories(dir.resolve("opt-ml")))
        .channel("training", Map.of("data.txt", "1 2 3\n"))
        .submitFolder(code, "train.py");
  }

  private static TrainingContainer.Result run(SageMakerJob job) {
    TrainingContainer container = TrainingContainer.of(image, job);
    mode.forEach(container::env);
    return container.run();
  }
}
