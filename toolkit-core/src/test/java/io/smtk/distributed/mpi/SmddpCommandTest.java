package io.smtk.distributed.mpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.distributed.cluster.LaunchPlan;
import io.smtk.launch.EntryPoint;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link SmddpCommand}. */
class SmddpCommandTest {

  private static final String SHIM = "/opt/smtk/lib/libsmtkhostname.so";

  private static LaunchPlan.Builder plan() {
    return LaunchPlan.builder()
        .hosts(List.of("algo-1", "algo-2"))
        .currentHost("algo-1")
        .processesPerHost(2)
        .networkInterface("ethw3")
        .customMpiOptions("--verbose")
        .instanceType("ml.p3.16xlarge")
        .forwardedEnvNames(List.of("SM_HOSTS"))
        .hostnameShim(Path.of(SHIM))
        .python("usr/bin/python3")
        .smddprunInstalled(true)
        .entryPoint(EntryPoint.Type.PYTHON_PROGRAM, "train.py")
        .args(List.of("-v", "--lr", "35"));
  }

  @Test
  void build_multiNode_matchesReferenceCommand() throws Exception {
    // test_smdataparallel_run_multi_node_python (spec section 18.4).
    assertThat(String.join(" ", SmddpCommand.build(plan().build())))
        .isEqualTo(
            "mpirun --host algo-1:2,algo-2:2 -np 4 --allow-run-as-root --tag-output --oversubscribe"
                + " -mca btl_tcp_if_include ethw3 -mca oob_tcp_if_include ethw3"
                + " -mca plm_rsh_no_tree_spawn 1 -mca pml ob1 -mca btl ^openib"
                + " -mca orte_abort_on_non_zero_status 1 -mca btl_vader_single_copy_mechanism none"
                + " -mca plm_rsh_num_concurrent 2 -x NCCL_SOCKET_IFNAME=ethw3 -x NCCL_DEBUG=INFO"
                + " -x LD_LIBRARY_PATH -x PATH -x SMDATAPARALLEL_USE_HOMOGENEOUS=1"
                + " -x FI_PROVIDER=efa -x RDMAV_FORK_SAFE=1 -x LD_PRELOAD="
                + SHIM
                + " --verbose -x SMDATAPARALLEL_SERVER_ADDR=algo-1 -x"
                + " SMDATAPARALLEL_SERVER_PORT=7592 -x SAGEMAKER_INSTANCE_TYPE=ml.p3.16xlarge"
                + " -x SM_HOSTS smddprun usr/bin/python3 -m mpi4py train.py -v --lr 35");
  }

  @Test
  void build_singleNodeP4d_usesSingleNodeFlagAndEfaFlags() throws Exception {
    // test_smdataparallel_run_single_node_python.
    LaunchPlan single =
        plan()
            .hosts(List.of("algo-1"))
            .instanceType("ml.p4d.24xlarge")
            .customMpiOptions("")
            .build();

    assertThat(String.join(" ", SmddpCommand.build(single)))
        .isEqualTo(
            "mpirun --host algo-1 -np 2 --allow-run-as-root --tag-output --oversubscribe"
                + " -mca btl_tcp_if_include ethw3 -mca oob_tcp_if_include ethw3"
                + " -mca plm_rsh_no_tree_spawn 1 -mca pml ob1 -mca btl ^openib"
                + " -mca orte_abort_on_non_zero_status 1 -mca btl_vader_single_copy_mechanism none"
                + " -mca plm_rsh_num_concurrent 1 -x NCCL_SOCKET_IFNAME=ethw3 -x NCCL_DEBUG=INFO"
                + " -x LD_LIBRARY_PATH -x PATH -x SMDATAPARALLEL_USE_SINGLENODE=1"
                + " -x FI_PROVIDER=efa -x RDMAV_FORK_SAFE=1 -x LD_PRELOAD="
                + SHIM
                + " -x NCCL_PROTO=simple -x FI_EFA_USE_DEVICE_RDMA=1 -x SM_HOSTS smddprun"
                + " usr/bin/python3 -m mpi4py train.py -v --lr 35");
  }

  @Test
  void build_withoutSmddprun_runsPythonDirectly() throws Exception {
    List<String> command = SmddpCommand.build(plan().smddprunInstalled(false).build());

    assertThat(command).doesNotContain("smddprun");
    assertThat(String.join(" ", command))
        .contains(
            "SAGEMAKER_INSTANCE_TYPE=ml.p3.16xlarge -x SM_HOSTS usr/bin/python3 -m mpi4py train.py");
  }

  @Test
  void build_numProcessesSet_isIgnoredLikeTheReference() throws Exception {
    List<String> command = SmddpCommand.build(plan().numProcesses(3).build());

    assertThat(command.subList(3, 5)).containsExactly("-np", "4");
  }

  @Test
  void build_credentialsAndEnvNames_forwardedBeforeSmddprun() throws Exception {
    // The reference relied on /etc/environment on the workers (quirk 16); smtk forwards with -x.
    List<String> command =
        SmddpCommand.build(
            plan()
                .credentialEnvNames(List.of("AWS_ACCESS_KEY_ID"))
                .forwardedEnvNames(List.of("SM_HOSTS", "PYTHONPATH"))
                .build());

    assertThat(String.join(" ", command))
        .contains(
            "-x SAGEMAKER_INSTANCE_TYPE=ml.p3.16xlarge -x AWS_ACCESS_KEY_ID -x SM_HOSTS -x PYTHONPATH"
                + " smddprun usr/bin/python3");
  }

  @Test
  void build_withoutShim_omitsLdPreload() throws Exception {
    List<String> command = SmddpCommand.build(plan().hostnameShim(null).build());

    assertThat(String.join(" ", command))
        .doesNotContain("LD_PRELOAD")
        .contains("-x RDMAV_FORK_SAFE=1 --verbose");
  }
}
