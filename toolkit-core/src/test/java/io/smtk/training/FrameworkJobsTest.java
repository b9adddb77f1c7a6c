package io.smtk.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.environment.Hardware;
import io.smtk.environment.ToolkitSettings;
import io.smtk.environment.TrainingEnvironmentReader;
import io.smtk.framework.Feature;
import io.smtk.framework.Job;
import io.smtk.testing.JobTree;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link FrameworkJobs}: the SPI's view of a job. */
class FrameworkJobsTest {

  @TempDir Path dir;

  @Test
  void of_job_showsHostsHardwareHyperparametersAsPythonStrAndFeatures() throws Exception {
    JobTree tree =
        JobTree.create(dir.resolve("opt/ml"))
            .config(
                "hyperparameters.json",
                "{\"_ps_port\": \"8001\", \"flag\": \"true\", \"gone\": \"null\","
                    + " \"layers\": \"[1, \\\"a\\\"]\", \"sagemaker_mpi_enabled\": \"true\", \"_tuning_objective_metric\": \"\\\"x\\\"\","
                    + " \"sagemaker_region\": \"\\\"eu-west-1\\\"\"}")
            .config(
                "resourceconfig.json",
                "{\"current_host\": \"algo-2\", \"hosts\": [\"algo-1\", \"algo-2\"]}");
    var environment =
        TrainingEnvironmentReader.withHardware(new Hardware(4, 1, 0))
            .read(
                ToolkitSettings.from(
                    Map.of(
                        "SAGEMAKER_BASE_DIR", tree.base().toString(), "TRAINING_JOB_NAME", "j-1")));

    Job job = FrameworkJobs.of(environment);

    assertThat(job.hyperparameters())
        .containsOnly(
            Map.entry("_ps_port", "8001"),
            Map.entry("flag", "True"),
            Map.entry("layers", "[1, 'a']"));
    assertThat(job.features())
        .containsExactlyInAnyOrder(Feature.MPI, Feature.HYPERPARAMETER_TUNING);
    assertThat(job.currentHost()).isEqualTo("algo-2");
    assertThat(job.masterHostname()).isEqualTo("algo-1");
    assertThat(job.inDistribution()).isTrue();
    assertThat(job.numGpus()).isEqualTo(1);
    assertThat(job.region()).isEqualTo("eu-west-1");
    assertThat(job.trainingJobName()).isEqualTo("j-1");
    assertThat(job.modelDir()).isEqualTo(tree.base().resolve("model"));
  }
}
