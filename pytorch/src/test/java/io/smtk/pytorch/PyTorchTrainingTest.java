package io.smtk.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.distributed.RunnerType;
import io.smtk.environment.Hardware;
import io.smtk.environment.ToolkitSettings;
import io.smtk.environment.TrainingEnvironment;
import io.smtk.environment.TrainingEnvironmentReader;
import io.smtk.testing.JobTree;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link PyTorchTraining}. */
class PyTorchTrainingTest {

  @TempDir Path dir;

  @Test
  void variables_process_ncclAndMasterFromEnvironment() throws Exception {
    TrainingEnvironment environment = environment();

    assertThat(PyTorchTraining.variables(environment, RunnerType.PROCESS)).containsExactly(
        Map.entry("NCCL_SOCKET_IFNAME", "ethwe"), Map.entry("NCCL_IB_DISABLE", "1"), Map.entry("NCCL_DEBUG", "WARN"),
        Map.entry("MASTER_ADDR", "algo-2"), Map.entry("MASTER_PORT", "7777"));
  }

  @Test
  void variables_mpi_leavesNcclDebugToMpirun() throws Exception {
    assertThat(PyTorchTraining.variables(environment(), RunnerType.MPI)).doesNotContainKey("NCCL_DEBUG");
  }

  @Test
  void names_pythonModuleOfTheImages() {
    assertThat(new PyTorchTraining().names()).containsExactly("sagemaker_pytorch_container.training:main");
  }

  private TrainingEnvironment environment() throws Exception {
    JobTree job = JobTree.create(dir.resolve("opt/ml"))
        .config("hyperparameters.json", "{\"sagemaker_mpi_enabled\": \"true\"}")
        .config("resourceconfig.json", "{\"current_host\": \"algo-1\", \"hosts\": [\"algo-1\", \"algo-2\"],"
            + " \"network_interface_name\": \"ethwe\", \"current_group_name\": \"g\", \"instance_groups\":"
            + " [{\"instance_group_name\": \"g\", \"instance_type\": \"ml.p3.2xlarge\", \"hosts\": [\"algo-2\", \"algo-1\"]}]}");
    return TrainingEnvironmentReader.withHardware(new Hardware(2, 0, 0))
        .read(ToolkitSettings.from(Map.of("SAGEMAKER_BASE_DIR", job.base().toString())));
  }
}
