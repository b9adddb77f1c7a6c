package io.smtk.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    Map<String, String> env = runner.processEnvironment(job(dir, null, 1), Path.of("/t/algo-1"));

    assertThat(env)
        .containsEntry("PATH", "/usr/bin")
        .containsEntry("SAGEMAKER_BASE_DIR", "/t/algo-1")
        .containsEntry("SM_STUDIO_LOCAL_MODE", "true")
        .containsEntry("TRAINING_JOB_NAME", "my-job")
        .containsEntry("SAGEMAKER_TRAINING_MODULE", "sagemaker_pytorch_container.training:main")
        .doesNotContainKeys("SAGEMAKER_PROGRAM", "SM_HP_LR");
  }
}
