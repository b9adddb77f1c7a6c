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
}
