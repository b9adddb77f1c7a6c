package io.smtk.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link LocalRunner}'s job-tree files. */
class LocalRunnerTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static LocalJob job(Path dir, String image, int hosts) throws Exception {
    Files.createDirectories(dir.resolve("src"));
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("src/train.py"), "pass\n");
    return LocalJob.builder(dir.resolve("out"), "my-job")
        .sourceDir(dir.resolve("src"))
        .entryPoint("train.py")
        .channel("training=" + dir.resolve("data"))
        .hyperparameters(Hyperparameters.parse(List.of("lr=0.1", "name=resnet")))
        .framework(Framework.PYTORCH)
        .distribution(image == null ? Distribution.NONE : Distribution.TORCH_DISTRIBUTED)
        .instanceCount(hosts)
        .image(image)
        .region("eu-west-1")
        .build();
  }

  @Test
  void hyperparameters_processMode_everyValueIsJsonEncodedString(@TempDir Path dir)
      throws Exception {
    ObjectNode node = LocalRunner.hyperparameters(job(dir, null, 1), Path.of("/t/algo-1"));

    assertThat(node)
        .isEqualTo(
            MAPPER.readTree(
                """
        {"lr": "0.1", "name": "\\"resnet\\"", "sagemaker_program": "\\"train.py\\"",
         "sagemaker_submit_directory": "\\"/t/algo-1/code\\"", "sagemaker_container_log_level": "20",
         "sagemaker_job_name": "\\"my-job\\"", "sagemaker_region": "\\"eu-west-1\\""}"""));
  }

  @Test
  void hyperparameters_containerModeWithDistribution_pointsAtOptMlCodeAndSetsTheFlag(
      @TempDir Path dir) throws Exception {
    ObjectNode node = LocalRunner.hyperparameters(job(dir, "img:1", 2), Path.of("/t/algo-1"));

    assertThat(node.get("sagemaker_submit_directory").asText()).isEqualTo("\"/opt/ml/code\"");
    assertThat(node.get("sagemaker_torch_distributed_enabled").asText()).isEqualTo("true");
  }

  @Test
  void resourceConfig_twoHosts_hasSageMakersShape(@TempDir Path dir) throws Exception {
    ObjectNode node = LocalRunner.resourceConfig(job(dir, null, 2), "algo-2");

    assertThat(node)
        .isEqualTo(
            MAPPER.readTree(
                """
        {"current_host": "algo-2", "current_instance_type": "local",
         "current_group_name": "homogeneousCluster", "hosts": ["algo-1", "algo-2"],
         "instance_groups": [{"instance_group_name": "homogeneousCluster", "instance_type": "local",
                              "hosts": ["algo-1", "algo-2"]}],
         "network_interface_name": "lo"}"""));
  }

  @Test
  void inputDataConfig_oneChannel_fullyReplicatedFileMode(@TempDir Path dir) throws Exception {
    ObjectNode node = LocalRunner.inputDataConfig(job(dir, null, 1));

    assertThat(node)
        .isEqualTo(
            MAPPER.readTree(
                """
        {"training": {"TrainingInputMode": "File", "S3DistributionType": "FullyReplicated",
                      "RecordWrapperType": "None"}}"""));
  }

  @Test
  void processEnvironment_staleSageMakerVariables_replacedByThisJobs(@TempDir Path dir)
      throws Exception {
    var settings =
        io.smtk.environment.ToolkitSettings.from(
            Map.of(
                "PATH",
                "/usr/bin",
                "SAGEMAKER_PROGRAM",
                "other.py",
                "SM_HP_LR",
                "9",
                "SAGEMAKER_BASE_DIR",
                "/x"));
    LocalRunner runner =
        LocalRunner.builder(
                settings,
                new java.io.PrintWriter(java.io.Writer.nullWriter()),
                new java.io.PrintWriter(java.io.Writer.nullWriter()))
            .toolkitCommand(List.of("true"))
            .engine(null)
            .build();

    Map<String, String> env =
        runner.processEnvironment(job(dir, null, 1), Path.of("/t/algo-1"), Map.of());

    assertThat(env)
        .containsEntry("PATH", "/usr/bin")
        .containsEntry("SAGEMAKER_BASE_DIR", "/t/algo-1")
        .containsEntry("SM_STUDIO_LOCAL_MODE", "true")
        .containsEntry("TRAINING_JOB_NAME", "my-job")
        .containsEntry("SAGEMAKER_TRAINING_MODULE", "sagemaker_pytorch_container.training:main")
        .doesNotContainKeys("SAGEMAKER_PROGRAM", "SM_HP_LR");
  }

  @Test
  void hyperparameters_userMpiOptionsWithDistributionMpi_keptAndFlagAdded(@TempDir Path dir)
      throws Exception {
    Files.createDirectories(dir.resolve("src"));
    Files.writeString(dir.resolve("src/train.py"), "pass\n");
    LocalJob job =
        LocalJob.builder(dir.resolve("out"), "mpi-job")
            .sourceDir(dir.resolve("src"))
            .entryPoint("train.py")
            .hyperparameters(
                Hyperparameters.parse(
                    List.of(
                        "sagemaker_mpi_custom_mpi_options=--NCCL_DEBUG WARN",
                        "sagemaker_mpi_num_of_processes_per_host=2")))
            .distribution(Distribution.MPI)
            .build();

    ObjectNode node = LocalRunner.hyperparameters(job, Path.of("/t/algo-1"));

    assertThat(node.get("sagemaker_mpi_custom_mpi_options").asText())
        .isEqualTo("\"--NCCL_DEBUG WARN\"");
    assertThat(node.get("sagemaker_mpi_num_of_processes_per_host").asText()).isEqualTo("2");
    assertThat(node.get("sagemaker_mpi_enabled").asText()).isEqualTo("true");
  }

  @Test
  void hyperparameters_logLevelDebug_writtenAsPythonsNumber(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("train.sh"), "true\n");
    LocalJob job =
        LocalJob.builder(dir.resolve("out"), "quiet")
            .entryPoint(dir.resolve("train.sh").toString())
            .logLevel("debug")
            .build();

    assertThat(
            LocalRunner.hyperparameters(job, Path.of("/t/algo-1"))
                .get("sagemaker_container_log_level")
                .asText())
        .isEqualTo("10");
  }

  @Test
  void processEnvironment_envAndPython_reachTheHostLastAndNothingElseSetsThePython(
      @TempDir Path dir) throws Exception {
    var settings =
        io.smtk.environment.ToolkitSettings.from(
            Map.of("PATH", "/venv/bin:/usr/bin", "NCCL_DEBUG", "WARN"));
    LocalRunner runner = runner(settings);
    LocalJob plain = job(dir, null, 1);
    LocalJob withEnv =
        LocalJob.builder(dir.resolve("out"), "env-job")
            .sourceDir(dir.resolve("src"))
            .entryPoint("train.py")
            .environment("NCCL_DEBUG=INFO")
            .environment("PYTHONUNBUFFERED=")
            .python("/opt/py/bin/python3")
            .build();

    Map<String, String> inherited =
        runner.processEnvironment(plain, Path.of("/t/algo-1"), Map.of());
    Map<String, String> env =
        runner.processEnvironment(
            withEnv, Path.of("/t/algo-1"), Map.of("SMTK_TORCH_LAUNCHER", "env"));

    assertThat(inherited).doesNotContainKey("SMTK_PYTHON").containsEntry("NCCL_DEBUG", "WARN");
    assertThat(env)
        .containsEntry("NCCL_DEBUG", "INFO")
        .containsEntry("PYTHONUNBUFFERED", "")
        .containsEntry("SMTK_PYTHON", "/opt/py/bin/python3")
        .containsEntry("SMTK_TORCH_LAUNCHER", "env")
        .containsEntry("PATH", "/venv/bin:/usr/bin");
  }

  @Test
  void containerEnvironment_envAndPython_passedWithTheirValues(@TempDir Path dir) throws Exception {
    LocalJob job =
        LocalJob.builder(dir.resolve("out"), "c-job")
            .image("img:1")
            .environment("NCCL_DEBUG=INFO")
            .python("/opt/conda/bin/python")
            .region("eu-west-1")
            .build();

    assertThat(LocalRunner.containerEnvironment(job))
        .containsExactly(
            Map.entry("TRAINING_JOB_NAME", "c-job"), Map.entry("AWS_REGION", "eu-west-1"),
            Map.entry("NCCL_DEBUG", "INFO"), Map.entry("SMTK_PYTHON", "/opt/conda/bin/python"));
  }

  @Test
  void warnings_twoHostsWithoutDistribution_warnsNamingTheEntryPoint(@TempDir Path dir)
      throws Exception {
    assertThat(LocalRunner.warnings(job(dir, null, 2)))
        .singleElement()
        .asString()
        .startsWith(
            "--instance-count 2 without --distribution: every host runs train.py on its own")
        .contains("pick a --distribution");
    assertThat(LocalRunner.warnings(job(dir, null, 1))).isEmpty();
    assertThat(LocalRunner.warnings(job(dir, "img:1", 2))).as("torch_distributed").isEmpty();
  }

  @Test
  void warnings_frameworkDistributionInScriptMode_saysWhichFrameworkLaunchesIt(@TempDir Path dir)
      throws Exception {
    Files.createDirectories(dir.resolve("src"));
    Files.writeString(dir.resolve("src/train.py"), "pass\n");
    LocalJob.Builder builder =
        LocalJob.builder(dir.resolve("out"), "td")
            .sourceDir(dir.resolve("src"))
            .entryPoint("train.py")
            .distribution(Distribution.TORCH_DISTRIBUTED);

    assertThat(LocalRunner.warnings(builder.build()))
        .containsExactly(
            "--distribution torch_distributed is"
                + " launched by the pytorch framework entry (--framework pytorch), not by BYOC script mode, which runs only"
                + " MPI itself: every host runs train.py once");
    assertThat(LocalRunner.warnings(builder.distribution(Distribution.MPI).build())).isEmpty();
    assertThat(
            LocalRunner.warnings(
                builder
                    .distribution(Distribution.PARAMETER_SERVER)
                    .framework(Framework.MXNET)
                    .build()))
        .isEmpty();
  }

  @Test
  void run_twoHostsWithoutDistribution_logsTheWarningAndRuns(@TempDir Path dir) throws Exception {
    StringWriter err = new StringWriter();
    LocalRunner runner =
        LocalRunner.builder(
                io.smtk.environment.ToolkitSettings.from(Map.of("PATH", "/usr/bin:/bin")),
                new PrintWriter(Writer.nullWriter()),
                new PrintWriter(err))
            .toolkitCommand(List.of("/bin/true"))
            .engine(null)
            .build();
    Files.createDirectories(dir.resolve("src"));
    Files.writeString(dir.resolve("src/train.py"), "pass\n");
    LocalJob job =
        LocalJob.builder(dir.resolve("out"), "two")
            .sourceDir(dir.resolve("src"))
            .entryPoint("train.py")
            .instanceCount(2)
            .build();

    int status = runner.run(job);

    assertThat(status).isZero();
    assertThat(err.toString())
        .contains("smtk   | Warning: --instance-count 2 without --distribution");
  }

  @Test
  void run_frameworkInProcessMode_checksThePython3FirstOnPath(@TempDir Path dir) throws Exception {
    // An active virtualenv: its bin comes first on PATH, and its python3 lacks scikit-learn.
    Path bin = Files.createDirectories(dir.resolve("venv/bin"));
    Path python =
        Files.writeString(
            bin.resolve("python3"),
            "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'sklearn'\" >&2\nexit 1\n");
    Files.setPosixFilePermissions(
        python, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    LocalRunner runner =
        runner(io.smtk.environment.ToolkitSettings.from(Map.of("PATH", bin + ":/usr/bin:/bin")));
    Files.createDirectories(dir.resolve("src"));
    Files.writeString(dir.resolve("src/train.py"), "pass\n");
    LocalJob job =
        LocalJob.builder(dir.resolve("out"), "venv")
            .sourceDir(dir.resolve("src"))
            .entryPoint("train.py")
            .framework(Framework.SKLEARN)
            .build();

    LocalJobException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            LocalJobException.class, () -> runner.run(job));

    assertThat(e.getMessage())
        .startsWith(
            "--framework sklearn needs the Python module sklearn, which "
                + python
                + " cannot import");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void run_badToolkitSettingGivenWithEnv_usageErrorBeforeAnythingRuns(@TempDir Path dir)
      throws Exception {
    LocalRunner runner =
        runner(io.smtk.environment.ToolkitSettings.from(Map.of("PATH", "/usr/bin:/bin")));
    Files.writeString(dir.resolve("train.sh"), "true\n");
    LocalJob job =
        LocalJob.builder(dir.resolve("out"), "bad-setting")
            .entryPoint(dir.resolve("train.sh").toString())
            .environment("SMTK_CONTROL_PORT=seventy")
            .build();

    LocalJobException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            LocalJobException.class, () -> runner.run(job));

    assertThat(e.exitCode()).isEqualTo(LocalJobException.USAGE_EXIT_CODE);
    assertThat(e.getMessage()).contains("SMTK_CONTROL_PORT='seventy'");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  private static LocalRunner runner(io.smtk.environment.ToolkitSettings settings) {
    return LocalRunner.builder(
            settings, new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()))
        .toolkitCommand(List.of("true"))
        .engine(null)
        .build();
  }
}
