package io.smtk.distributed.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.smtk.distributed.cluster.LaunchConfigurationException;
import io.smtk.distributed.cluster.LaunchPlan;
import io.smtk.launch.EntryPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link PyTorchXlaCommand}. */
class PyTorchXlaCommandTest {

  private static LaunchPlan.Builder plan() {
    return LaunchPlan.builder()
        .hosts(List.of("algo-1", "algo-2", "algo-3", "algo-4"))
        .currentHost("algo-2")
        .numGpus(8)
        .python("/usr/bin/python3")
        .instanceType("ml.p3.16xlarge")
        .entryPoint(EntryPoint.Type.PYTHON_PROGRAM, "train.py")
        .args(List.of("-v", "--lr", "35"));
  }

  @Test
  void build_pythonProgram_runsXlaSpawn() throws Exception {
    assertThat(PyTorchXlaCommand.build(plan().build()))
        .containsExactly(
            "/usr/bin/python3",
            "-m",
            "torch_xla.distributed.xla_spawn",
            "--num_gpus",
            "8",
            "train.py",
            "-v",
            "--lr",
            "35");
  }

  @Test
  void environment_fourHosts_setsXrtWorkersAndMeshService() throws Exception {
    assertThat(PyTorchXlaCommand.environment(plan().build()))
        .containsExactly(
            entry("NCCL_DEBUG", "info"),
            entry("NCCL_PROTO", "simple"),
            entry("FI_EFA_USE_DEVICE_RDMA", "1"),
            entry("OFI_NCCL_NIC_DUP_CONNS", "8"),
            entry("XRT_HOST_ORDINAL", "1"),
            entry("XRT_SHARD_WORLD_SIZE", "4"),
            entry(
                "XRT_WORKERS",
                "localservice:0;algo-1:43857|localservice:1;algo-2:43857"
                    + "|localservice:2;algo-3:43857|localservice:3;algo-4:43857"),
            entry("GPU_NUM_DEVICES", "8"),
            entry("XRT_MESH_SERVICE_ADDRESS", "algo-1:53957"));
  }

  @Test
  void environment_oneHost_hasNoMeshService() throws Exception {
    LaunchPlan single = plan().hosts(List.of("algo-1")).currentHost("algo-1").numGpus(1).build();

    assertThat(PyTorchXlaCommand.environment(single))
        .containsEntry("XRT_WORKERS", "localservice:0;algo-1:43857")
        .containsEntry("XRT_HOST_ORDINAL", "0")
        .doesNotContainKey("XRT_MESH_SERVICE_ADDRESS");
  }

  @Test
  void build_noGpus_throwsTrainingCompilerConfiguration() {
    LaunchPlan cpu = plan().numGpus(0).build();

    assertThatThrownBy(() -> PyTorchXlaCommand.build(cpu))
        .isInstanceOf(TrainingCompilerConfigurationException.class)
        .hasMessageContaining("only supported for GPU");
    assertThatThrownBy(() -> PyTorchXlaCommand.environment(cpu))
        .isInstanceOf(TrainingCompilerConfigurationException.class);
  }

  @Test
  void build_shellScript_throwsAskingForPythonScript() {
    LaunchPlan plan = plan().entryPoint(EntryPoint.Type.COMMAND, "train.sh").build();

    assertThatThrownBy(() -> PyTorchXlaCommand.build(plan))
        .isInstanceOf(TrainingCompilerConfigurationException.class)
        .hasMessageContaining("Please use a python script");
  }

  @Test
  void build_pythonPackage_throwsAskingForPythonScript() {
    LaunchPlan plan = plan().entryPoint(EntryPoint.Type.PYTHON_PACKAGE, "trainer").build();

    assertThatThrownBy(() -> PyTorchXlaCommand.build(plan))
        .isInstanceOf(TrainingCompilerConfigurationException.class)
        .hasMessage(
            "Distributed Training through PT-XLA is not supported for Python packages. "
                + "Please use a python script as the entry-point");
  }

  @Test
  void environment_currentHostNotDistributed_throwsNamingIt() {
    LaunchPlan plan = plan().currentHost("algo-9").build();

    assertThatThrownBy(() -> PyTorchXlaCommand.environment(plan))
        .isInstanceOf(LaunchConfigurationException.class)
        .hasMessageContaining("'algo-9'");
  }
}
