package io.smtk.sklearn;

import static org.assertj.core.api.Assertions.assertThat;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import io.smtk.images.testing.DlcLayoutContract;
import io.smtk.images.testing.ImageFigures;
import io.smtk.images.testing.ImageTests;
import io.smtk.images.testing.SageMakerJob;
import io.smtk.images.testing.TrainingContainer;
import io.smtk.s3.S3MockSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Tests for the scikit-learn image: real training with scikit-learn on iris, run as SageMaker runs
 * it, on the stand-in for SageMaker's scikit-learn base (Debian 11 with its scikit-learn 0.23,
 * glibc 2.31 as Ubuntu 20.04; Python and the stand-in Python toolkit in /miniconda3, first on
 * PATH).
 */
class SklearnImageIntegrationTest implements DlcLayoutContract {

  private static String image;

  @RegisterExtension
  static final S3MockExtension S3_MOCK = S3MockSupport.extension(S3MockSupport.BUCKET);

  @BeforeAll
  static void image() throws Exception {
    image = ImageTests.testImage();
  }

  @Override
  public String condaPrefix() {
    return "/miniconda3";
  }

  @Override
  public String familyGlibc() {
    return "2.31";
  }

  @Test
  void train_irisDecisionTree_writesModelAndSuccess(@TempDir Path dir) throws Exception {
    SageMakerJob job = job(dir).hyperparameter("max-depth", "3");

    TrainingContainer.Result result = run(job);

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isZero();
    assertThat(result.logs()).contains("scikit-learn training: runner PROCESS");
    assertThat(job.output().resolve("success")).exists();
    assertThat(job.model().resolve("model.joblib")).isNotEmptyFile();
    assertThat(Files.readString(job.model().resolve("metrics.json")))
        .contains("\"rows\": 150")
        .contains("\"sklearn\": \"0.23.2\"")
        .containsPattern("\"accuracy\": 0\\.9[5-9]");
    assertThat(Files.readString(job.model().resolve("environment.json")))
        .contains("\"hyperparameters\": {\"max-depth\": 3}")
        .contains("\"channel\": \"/opt/ml/input/data/train\"")
        .contains("\"cmd_args\": [\"--max-depth\", \"3\"]")
        .contains("\"package\": \"/opt/smtk/python/sagemaker_training/__init__.py\"");
    ImageFigures.report("sklearn", job, result);
  }

  @Test
  void image_releaseTags_dlcSchemeAndSageMakersOwnAlias() {
    assertThat(ImageTests.releaseTags())
        .containsExactly("1.2-1-cpu-py39-ubuntu20.04-sagemaker", "1.2-1-cpu-py3");
  }

  @Test
  void train_invalidHyperparameter_writesSklearnErrorToFailure(@TempDir Path dir) throws Exception {
    SageMakerJob job = job(dir).hyperparameter("max-depth", "-5");

    TrainingContainer.Result result = run(job);

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isEqualTo(1);
    assertThat(job.output().resolve("success")).doesNotExist();
    assertThat(Files.readString(job.output().resolve("failure")))
        .startsWith("ExecuteUserScriptError:")
        .contains("ValueError: max_depth must be greater than zero");
  }

  @Test
  void train_packedSubmitDirectory_extractsAndTrains(@TempDir Path dir) throws Exception {
    SageMakerJob job = job(dir);
    job.submitDirectory(dir.resolve("source"), "train.py");

    TrainingContainer.Result result = run(job);

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isZero();
    assertThat(job.model().resolve("model.joblib")).isNotEmptyFile();
  }

  @Test
  void train_codeFromS3_downloadedWithTheImagesOwnRuntime(@TempDir Path dir) throws Exception {
    // The code download runs on the image's own cut-down Java runtime, not the build's JDK: a
    // module
    // missing there (jdk.net for the SDK's HTTP client) fails only here.
    SageMakerJob job = job(dir);
    Path archive = dir.resolve("sourcedir.tar.gz");
    Process tar =
        new ProcessBuilder(
                "tar", "-czf", archive.toString(), "-C", dir.resolve("source").toString(), ".")
            .inheritIO()
            .start();
    assertThat(tar.waitFor(60, TimeUnit.SECONDS) && tar.exitValue() == 0).isTrue();
    try (S3Client client = S3MockSupport.testClient(S3_MOCK.getHttpPort())) {
      client.putObject(
          b -> b.bucket(S3MockSupport.BUCKET).key("jobs/src/sourcedir.tar.gz"),
          RequestBody.fromFile(archive));
    }
    job.hyperparameter(
        "sagemaker_submit_directory", SageMakerJob.quote("s3://bucket/jobs/src/sourcedir.tar.gz"));
    TrainingContainer container =
        TrainingContainer.of(image, job)
            // S3Mock listens on the host's 127.0.0.1 only.
            .customize(
                c -> c.withNetworkMode("host").withExtraHost(job.currentHost(), "127.0.0.1"));
    S3MockSupport.env(S3_MOCK.getHttpPort()).forEach(container::env);

    TrainingContainer.Result result = container.run();

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isZero();
    assertThat(result.logs()).contains("Downloading the user's code from s3://bucket/jobs/src/");
    assertThat(job.model().resolve("model.joblib")).isNotEmptyFile();
  }

  @Test
  void image_classArchive_mappedByTheLauncher(@TempDir Path dir) throws Exception {
    // The launcher asks for the archive with -Xshare:auto, which starts without it, silently, when
    // it
    // does not match the runtime or the class path; -Xshare:on makes that an error instead.
    String script =
        "sed 's/-Xshare:auto/-Xshare:on/; s/ -Xlog:cds=off -Xlog:cds+dynamic=off//;"
            + " s/io.smtk.cli.Main train/io.smtk.cli.Main --version/' /opt/smtk/bin/train"
            + " > /tmp/train-archive-on && grep -q 'Xshare:on' /tmp/train-archive-on"
            + " && sh /tmp/train-archive-on";

    TrainingContainer.Result result =
        TrainingContainer.of(image, job(dir)).command(List.of("/bin/sh", "-c", script)).run();

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isZero();
    assertThat(result.logs()).contains("smtk 0.").doesNotContain("shared archive");
  }

  private static SageMakerJob job(Path dir) throws Exception {
    Path code = Files.createDirectories(dir.resolve("source"));
    Files.copy(
        Path.of(SklearnImageIntegrationTest.class.getResource("/sklearn/code/train.py").toURI()),
        code.resolve("train.py"));
    String iris =
        Files.readString(
            Path.of(SklearnImageIntegrationTest.class.getResource("/sklearn/iris.csv").toURI()));
    return SageMakerJob.singleHost(Files.createDirectories(dir.resolve("opt-ml")))
        .channel("train", Map.of("iris.csv", iris))
        .submitFolder(code, "train.py");
  }

  private static TrainingContainer.Result run(SageMakerJob job) {
    TrainingContainer container = TrainingContainer.of(image, job);
    return container.run();
  }
}
