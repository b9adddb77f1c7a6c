package io.smtk.images.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectImageResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

/**
 * The image tests every framework image runs on its stand-in base, which has the layout of the AWS
 * Deep Learning Container bases ({@code images/src/main/bases/dlc}): a conda-like prefix first on
 * {@code PATH} with {@code python3} and a stand-in Python toolkit whose {@code train} records that
 * it ran and fails.
 */
public interface DlcLayoutContract {

  /**
   * A script that reports which interpreter, {@code train}, {@code sagemaker_training} and glibc it
   * got.
   */
  String PROBE =
      String.join(
          "\n",
          "import json, os, shutil, sys",
          "import sagemaker_training",
          "from sagemaker_training import environment",
          "env = environment.Environment()",
          "with open(os.path.join(env.model_dir, 'probe.json'), 'w') as f:",
          "    json.dump({'executable': sys.executable, 'python3': shutil.which('python3'),",
          "               'train': shutil.which('train'), 'sagemaker_training':"
              + " sagemaker_training.__file__,",
          "               'current_host': env.current_host, 'glibc':"
              + " os.confstr('CS_GNU_LIBC_VERSION')},",
          "              f, sort_keys=True)",
          "");

  /**
   * Where the stand-in Python toolkit records that it was imported or that its {@code train} ran.
   */
  String PYTHON_TOOLKIT_RECORDS = "data/python-toolkit-standin";

  /**
   * Returns the stand-in base's conda-like prefix, the one its real base has.
   *
   * @return {@code /opt/conda} (the DLC bases) or {@code /miniconda3} (SageMaker's scikit-learn
   *     image)
   */
  String condaPrefix();

  /**
   * Returns the glibc of the family the real base belongs to, which the stand-in base must have
   * too.
   *
   * @return {@code 2.31} for the Ubuntu 20.04 bases (Debian 11 stand-in); {@code 2.36} for the
   *     Ubuntu 22.04 ones (Debian 12 stand-in, the nearest Debian)
   */
  String familyGlibc();

  @Test
  default void train_pythonToolkitTrainFirstOnPath_runsSmtkTrainWithBasePythonAndFamilyGlibc(
      @TempDir Path dir) throws Exception {
    Path code = Files.createDirectories(dir.resolve("source"));
    Files.writeString(code.resolve("probe.py"), PROBE);
    SageMakerJob job =
        SageMakerJob.singleHost(Files.createDirectories(dir.resolve("opt-ml")))
            .channel("training", Map.of("data.txt", "1\n"))
            .submitFolder(code, "probe.py");

    TrainingContainer.Result result = TrainingContainer.of(ImageTests.testImage(), job).run();

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isZero();
    assertThat(result.logs())
        .contains("Reporting training SUCCESS")
        .doesNotContain("python-toolkit stand-in");
    assertThat(job.output().resolve("success")).exists();
    assertThat(job.output().resolve(PYTHON_TOOLKIT_RECORDS))
        .as("the stand-in Python toolkit ran or was imported")
        .doesNotExist();
    String probe = Files.readString(job.model().resolve("probe.json"));
    assertThat(probe)
        .as(
            "the base's PATH finds the Python toolkit's train first, so only the entrypoint can"
                + " have chosen smtk's")
        .contains("\"train\": \"" + condaPrefix() + "/bin/train\"")
        .as("the user's interpreter is the base's")
        .contains("\"executable\": \"" + condaPrefix() + "/bin/python3\"")
        .contains("\"python3\": \"" + condaPrefix() + "/bin/python3\"")
        .as("smtk's sagemaker_training wins over the pip-installed one")
        .contains("\"sagemaker_training\": \"/opt/smtk/python/sagemaker_training/__init__.py\"")
        .contains("\"current_host\": \"algo-1\"")
        .as("the stand-in base has the glibc of the real base's family")
        .contains("\"glibc\": \"glibc " + familyGlibc() + "\"");
  }

  @Test
  default void train_usualStart_mapsClassArchiveAndJdkModuleGraph(@TempDir Path dir)
      throws Exception {
    SageMakerJob job = SageMakerJob.singleHost(dir);

    // No entry point: the job fails, after the JVM started as every job's does. The cds log goes to
    // a file, which the launcher's -Xlog:cds=off (standard output only) leaves alone.
    TrainingContainer.Result result =
        TrainingContainer.of(ImageTests.testImage(), job)
            .env("JDK_JAVA_OPTIONS", "-Xlog:cds=info:file=/opt/ml/output/cds.log")
            .run();

    assertThat(result.logs()).contains("No entry point");
    assertThat(job.output().resolve("cds.log"))
        .as("the class archive made at image build, and the module graph of the runtime's own")
        .content()
        .containsPattern("Opened (shared )?archive( file)? /opt/smtk/cache/smtk\\.jsa")
        .contains("full module graph: enabled");
  }

  @Test
  default void run_trainFoundThroughPath_isThePythonToolkitStandIn(@TempDir Path dir)
      throws Exception {
    SageMakerJob job = SageMakerJob.singleHost(dir);

    // What `docker run IMAGE train` would start if the entrypoint left `train` to PATH, as
    // smtk-init did.
    TrainingContainer.Result result =
        TrainingContainer.of(ImageTests.testImage(), job)
            .command(List.of("sh", "-c", "exec train"))
            .run();

    assertThat(result.exitCode()).as("exit code; logs:\n%s", result.logs()).isEqualTo(86);
    assertThat(result.logs()).contains("python-toolkit stand-in: train");
    assertThat(job.output().resolve(PYTHON_TOOLKIT_RECORDS))
        .isDirectoryContaining("glob:**/train-*.json");
  }

  @Test
  default void image_config_pinnedBaseReleaseTagsAndTini() throws Exception {
    String image = ImageTests.pulledTestImage();
    String base = ImageTests.testBase();
    InspectImageResponse inspected =
        DockerClientFactory.instance().client().inspectImageCmd(image).exec();

    assertThat(inspected.getConfig().getEntrypoint())
        .containsExactly("/opt/smtk/bin/tini", "-s", "--", "/opt/smtk/bin/entrypoint");
    assertThat(inspected.getConfig().getCmd()).containsExactly("train");
    Map<String, String> labels = inspected.getConfig().getLabels();
    assertThat(labels)
        .containsEntry(
            "io.smtk.toolkit.version", ImageTests.requireProperty("smtk.test.toolkitVersion"))
        .containsEntry("org.opencontainers.image.version", ImageTests.releaseTags().get(0))
        .containsEntry("org.opencontainers.image.base.name", base);
    assertThat(base).as("the test base is pinned by digest").matches(".*@sha256:[0-9a-f]{64}");
    assertThat(ImageTests.registryDigest(base))
        .as("the pin names the stand-in this run built")
        .isEqualTo(ImageTests.registryDigest(base.substring(0, base.indexOf('@')) + ":standin"));
    String repository = image.substring(0, image.lastIndexOf(':'));
    for (String tag : ImageTests.releaseTags()) {
      assertThat(ImageTests.registryDigest(repository + ":" + tag))
          .as("tag %s", tag)
          .isEqualTo(ImageTests.registryDigest(image));
    }
  }
}
