package io.smtk.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link LocalJob}. */
class LocalJobTest {

  @TempDir Path dir;
  private Path source;

  @BeforeEach
  void setUp() throws Exception {
    source = Files.createDirectories(dir.resolve("src"));
    Files.writeString(source.resolve("train.py"), "pass\n");
  }

  private LocalJob.Builder builder() {
    return LocalJob.builder(dir.resolve("out"), "job").sourceDir(source).entryPoint("train.py");
  }

  @Test
  void build_entryPointWithoutSourceDir_usesTheFilesFolder() throws Exception {
    LocalJob job =
        LocalJob.builder(dir.resolve("out"), "job")
            .entryPoint(source.resolve("train.py").toString())
            .build();

    assertThat(job.sourceDir()).hasValue(source);
    assertThat(job.entryPoint()).hasValue("train.py");
  }

  @Test
  void build_missingChannelFolder_throwsNamingIt() throws Exception {
    assertThatThrownBy(() -> builder().channel("train=" + dir.resolve("nope")).build())
        .isInstanceOf(LocalJobException.class)
        .hasMessageContaining(dir.resolve("nope").toString());
  }

  @Test
  void build_s3Channel_keptForDownloadAtStart() throws Exception {
    LocalJob job = builder().channel("train=s3://bucket/key/").build();

    assertThat(job.s3Channels()).containsEntry("train", "s3://bucket/key/");
    assertThat(job.channelNames()).containsExactly("train");
  }

  @Test
  void build_badS3Channel_throwsNamingIt() {
    assertThatThrownBy(() -> builder().channel("train=s3://").build())
        .isInstanceOf(LocalJobException.class)
        .hasMessageContaining("--channel train=s3://");
  }

  @Test
  void channel_malformed_throwsNamingTheItem() {
    assertThatThrownBy(() -> builder().channel("train"))
        .isInstanceOf(LocalJobException.class)
        .hasMessageContaining("'train'");
  }

  @Test
  void build_entryPointNotInSourceDir_throwsNamingBoth() {
    assertThatThrownBy(() -> builder().entryPoint("missing.py").build())
        .isInstanceOf(LocalJobException.class)
        .hasMessageContaining("missing.py")
        .hasMessageContaining(source.toString());
  }

  @Test
  void build_entryPointEscapingSourceDir_throws() throws Exception {
    Files.writeString(dir.resolve("outside.py"), "pass\n");

    assertThatThrownBy(() -> builder().entryPoint("../outside.py").build())
        .isInstanceOf(LocalJobException.class);
  }

  @Test
  void build_outputIsAFile_throwsNamingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("out"), "x");

    assertThatThrownBy(() -> builder().build())
        .isInstanceOf(LocalJobException.class)
        .hasMessageContaining(file + " is a file");
  }

  @Test
  void build_distributionOnSeveralProcessHosts_throwsExplainingWhy() {
    assertThatThrownBy(() -> builder().instanceCount(2).distribution(Distribution.MPI).build())
        .isInstanceOf(LocalJobException.class)
        .hasMessageContaining("--distribution mpi");
  }

  @Test
  void build_noEntryPointInProcessMode_throws() {
    assertThatThrownBy(() -> LocalJob.builder(dir.resolve("out"), "job").build())
        .isInstanceOf(LocalJobException.class)
        .hasMessageContaining("--entry-point");
  }

  @Test
  void hosts_three_algoOneToThree() throws Exception {
    assertThat(builder().instanceCount(3).build().hosts())
        .containsExactly("algo-1", "algo-2", "algo-3");
  }

  @Test
  void environment_malformedOrReserved_throwsNamingTheItemAndTheOption() {
    assertThatThrownBy(() -> builder().environment("NO_VALUE"))
        .isInstanceOf(LocalJobException.class)
        .hasMessage("malformed --env 'NO_VALUE': expected NAME=VALUE, e.g." + " NCCL_DEBUG=INFO");
    assertThatThrownBy(() -> builder().environment("=x"))
        .hasMessageContaining("malformed --env '=x'");
    assertThatThrownBy(() -> builder().environment("AWS_REGION=eu-west-1"))
        .hasMessage(
            "--env 'AWS_REGION=eu-west-1' sets AWS_REGION, which smtk local sets itself (use --region)");
  }

  @Test
  void environment_laterItemWins_valueMayHoldEqualsSigns() throws Exception {
    LocalJob job =
        builder().environment("OPTS=a=b").environment("OPTS=c=d").environment("EMPTY=").build();

    assertThat(job.environment())
        .containsExactly(java.util.Map.entry("OPTS", "c=d"), java.util.Map.entry("EMPTY", ""));
  }

  @Test
  void build_gpusInProcessMode_throwsPointingToContainers() {
    assertThatThrownBy(() -> builder().gpus("all").build())
        .isInstanceOf(LocalJobException.class)
        .hasMessageStartingWith("--gpus all applies to containers (--image)");
  }

  @Test
  void build_gpusNotACount_throws() {
    assertThatThrownBy(() -> builder().image("img:1").gpus("some").build())
        .hasMessage("--gpus some must be 'all' or a number of GPUs, e.g. 2");
  }

  @Test
  void build_logLevel_nameOptionOrHyperparameterElseInfo() throws Exception {
    assertThat(builder().build().logLevel()).isEqualTo(20);
    assertThat(builder().logLevel("debug").build().logLevel()).isEqualTo(10);
    assertThat(builder().logLevel("30").build().logLevel()).isEqualTo(30);
    LocalJob fromHyperparameter =
        builder()
            .hyperparameters(
                Hyperparameters.parse(
                    java.util.List.of("sagemaker_container_log_level=40", "lr=0.1")))
            .build();
    assertThat(fromHyperparameter.logLevel()).isEqualTo(40);
    assertThat(fromHyperparameter.hyperparameters()).containsOnlyKeys("lr");
  }

  @Test
  void build_logLevelOptionAndHyperparameterDisagree_throws() {
    assertThatThrownBy(
            () ->
                builder()
                    .logLevel("DEBUG")
                    .hyperparameters(
                        Hyperparameters.parse(
                            java.util.List.of("sagemaker_container_log_level=20")))
                    .build())
        .hasMessage(
            "--log-level DEBUG and the hyperparameter sagemaker_container_log_level=20 disagree; give one");
  }

  @Test
  void build_logLevelUnknown_throwsListingTheLevels() {
    assertThatThrownBy(() -> builder().logLevel("verbose").build())
        .isInstanceOf(LocalJobException.class)
        .hasMessageStartingWith(
            "--log-level verbose is not a log level: use DEBUG, INFO, WARNING, ERROR, CRITICAL");
  }
}
