package io.smtk.distributed.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtk.distributed.cluster.LaunchConfigurationException;
import io.smtk.distributed.cluster.LaunchPlan;
import io.smtk.launch.EntryPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link TorchrunCommand}. */
class TorchrunCommandTest {

  private static LaunchPlan.Builder plan() {
    return LaunchPlan.builder()
        .hosts(List.of("algo-1", "algo-2", "algo-3"))
        .currentHost("algo-3")
        .processesPerHost(8)
        .networkInterface("ethw3")
        .instanceType("ml.p3.16xlarge")
        .entryPoint(EntryPoint.Type.PYTHON_PROGRAM, "train.py")
        .args(List.of("-v", "--lr", "35"));
  }

  @Test
  void build_singleNode_hasNoMasterOptions() throws Exception {
    LaunchPlan single = plan().hosts(List.of("algo-1")).currentHost("algo-1").build();

    assertThat(TorchrunCommand.build(single))
        .containsExactly(
            "torchrun", "--nnodes", "1", "--nproc_per_node", "8", "train.py", "-v", "--lr", "35");
  }

  @Test
  void build_multiNode_addsMasterAndNodeRank() throws Exception {
    assertThat(TorchrunCommand.build(plan().build()))
        .containsExactly(
            "torchrun",
            "--nnodes",
            "3",
            "--nproc_per_node",
            "8",
            "--master_addr",
            "algo-1",
            "--master_port",
            "7777",
            "--node_rank",
            "2",
            "train.py",
            "-v",
            "--lr",
            "35");
  }

  @Test
  void build_neuronParallelCompile_prefixesCommand() throws Exception {
    LaunchPlan plan = plan().instanceType("ml.trn1n.32xlarge").neuronParallelCompile(true).build();

    assertThat(TorchrunCommand.build(plan))
        .startsWith("neuron_parallel_compile", "torchrun", "--nnodes");
  }

  @Test
  void build_otherLauncher_replacesTorchrun() throws Exception {
    List<String> command =
        TorchrunCommand.build(
            plan().build(), List.of("/usr/bin/python3", "-m", "torch.distributed.run"));

    assertThat(command)
        .startsWith("/usr/bin/python3", "-m", "torch.distributed.run", "--nnodes", "3");
  }

  @Test
  void build_pythonPackage_throwsWithReferenceMessage() {
    LaunchPlan plan = plan().entryPoint(EntryPoint.Type.PYTHON_PACKAGE, "trainer").build();

    assertThatThrownBy(() -> TorchrunCommand.build(plan))
        .isInstanceOf(UnsupportedEntryPointException.class)
        .hasMessage(
            "Python packages are not supported for torch_distributed. "
                + "Please use a python script as the entry-point");
  }

  @Test
  void build_shellScript_throwsWithReferenceMessage() {
    LaunchPlan plan = plan().entryPoint(EntryPoint.Type.COMMAND, "train.sh").build();

    assertThatThrownBy(() -> TorchrunCommand.build(plan))
        .isInstanceOf(UnsupportedEntryPointException.class)
        .hasMessage("Unsupported entry point type for torch_distributed");
  }

  @Test
  void build_currentHostNotDistributed_throwsNamingIt() {
    LaunchPlan plan = plan().currentHost("algo-9").build();

    assertThatThrownBy(() -> TorchrunCommand.build(plan))
        .isInstanceOf(LaunchConfigurationException.class)
        .hasMessageContaining("'algo-9'")
        .hasMessageContaining("[algo-1, algo-2, algo-3]");
  }

  @Test
  void environment_nonEfa_setsSocketAndProtoOnly() {
    assertThat(TorchrunCommand.environment(plan().build()))
        .containsExactly(
            org.assertj.core.api.Assertions.entry("NCCL_SOCKET_IFNAME", "ethw3"),
            org.assertj.core.api.Assertions.entry("NCCL_PROTO", "simple"));
  }

  @Test
  void environment_trn1_setsEfaAndRdma() {
    // test_setup_trn1_efa.
    assertThat(TorchrunCommand.environment(plan().instanceType("ml.trn1.32xlarge").build()))
        .containsExactly(
            org.assertj.core.api.Assertions.entry("FI_PROVIDER", "efa"),
            org.assertj.core.api.Assertions.entry("FI_EFA_USE_DEVICE_RDMA", "1"),
            org.assertj.core.api.Assertions.entry("RDMAV_FORK_SAFE", "1"),
            org.assertj.core.api.Assertions.entry("NCCL_SOCKET_IFNAME", "ethw3"),
            org.assertj.core.api.Assertions.entry("NCCL_PROTO", "simple"));
  }

  @Test
  void environment_g5_setsEfaProviderWithoutRdma() {
    assertThat(TorchrunCommand.environment(plan().instanceType("ml.g5.48xlarge").build()))
        .containsKey("FI_PROVIDER")
        .doesNotContainKeys("FI_EFA_USE_DEVICE_RDMA", "RDMAV_FORK_SAFE");
  }
}
