package io.smtk.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.framework.Feature;
import io.smtk.framework.Job;
import io.smtk.framework.RunnerType;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tests for {@link PyTorchTraining}. */
class PyTorchTrainingTest {

  private static Job job(String currentGroup, Set<Feature> features) {
    return new Job(
        "algo-1",
        List.of("algo-1", "algo-2"),
        currentGroup,
        List.of("g"),
        List.of("algo-2", "algo-1"),
        "algo-2",
        "ethwe",
        2,
        0,
        "us-west-2",
        "job",
        Path.of("/opt/ml/model"),
        Map.of(),
        features);
  }

  @Test
  void variables_process_ncclAndMasterFromTheJob() {
    assertThat(PyTorchTraining.variables(job("g", Set.of()), RunnerType.PROCESS))
        .containsExactly(
            Map.entry("NCCL_SOCKET_IFNAME", "ethwe"),
            Map.entry("NCCL_IB_DISABLE", "1"),
            Map.entry("NCCL_DEBUG", "WARN"),
            Map.entry("MASTER_ADDR", "algo-2"),
            Map.entry("MASTER_PORT", "7777"));
  }

  @Test
  void variables_mpi_leavesNcclDebugToMpirun() {
    assertThat(PyTorchTraining.variables(job("g", Set.of()), RunnerType.MPI))
        .doesNotContainKey("NCCL_DEBUG");
  }

  @ParameterizedTest
  @CsvSource({
    "MPI TORCH_DISTRIBUTED, MPI",
    "PYTORCH_DDP TORCH_DISTRIBUTED, SMDDP",
    "TORCH_DISTRIBUTED SMDDP, TORCH_DISTRIBUTED",
    "SMDDP, SMDDP",
    "PYTORCH_XLA, PYTORCH_XLA",
    "PARAMETER_SERVER, PROCESS"
  })
  void runner_features_firstInThePyTorchContainersOrderWins(String features, RunnerType expected) {
    Set<Feature> on = EnumSet.noneOf(Feature.class);
    for (String feature : features.split(" ")) {
      on.add(Feature.valueOf(feature));
    }

    assertThat(PyTorchTraining.runner(job("g", on))).isEqualTo(expected);
  }

  @Test
  void runner_outsideTheDistributionGroups_isAPlainProcess() {
    assertThat(PyTorchTraining.runner(job("other", Set.of(Feature.MPI))))
        .isEqualTo(RunnerType.PROCESS);
  }

  @Test
  void names_pythonModuleOfTheImages() {
    assertThat(new PyTorchTraining().names())
        .containsExactly("sagemaker_pytorch_container.training:main");
  }
}
