package io.smtk.distributed.mpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtk.distributed.cluster.LaunchConfigurationException;
import io.smtk.distributed.cluster.LaunchPlan;
import io.smtk.launch.EntryPoint;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link MpiCommand}. */
class MpiCommandTest {

  private static final String SHIM = "/opt/smtk/lib/libsmtkhostname.so";

  private static LaunchPlan.Builder twoHosts() {
    return LaunchPlan.builder()
        .hosts(List.of("algo-1", "algo-2"))
        .currentHost("algo-1")
        .processesPerHost(2)
        .networkInterface("ethw3")
        .customMpiOptions("-v --lr 35")
        .instanceType("ml.p3.16xlarge")
        .forwardedEnvNames(List.of("LD_CONFIG_PATH"))
        .hostnameShim(Path.of(SHIM))
        .python("usr/bin/python3")
        .entryPoint(EntryPoint.Type.PYTHON_PROGRAM, "train.py")
        .args(List.of("-v", "--lr", "35"));
  }

  private static List<String> words(String line) {
    return Arrays.asList(line.split(" "));
  }

  private static final String FIXED_FLAGS =
      "--allow-run-as-root --display-map --tag-output -mca btl_tcp_if_include ethw3"
          + " -mca oob_tcp_if_include ethw3 -mca plm_rsh_no_tree_spawn 1 -bind-to none -map-by slot"
          + " -mca pml ob1 -mca btl ^openib -mca orte_abort_on_non_zero_status 1"
          + " -mca btl_vader_single_copy_mechanism none -x NCCL_MIN_NRINGS=4"
          + " -x NCCL_SOCKET_IFNAME=ethw3 ";

  @Test
  void build_pythonEfa_matchesVerifiedReferenceCommand() throws Exception {
    // test_mpi_master_run_python_efa (spec section 18.2).
    LaunchPlan plan = twoHosts().instanceType("ml.p4d.24xlarge").build();

    assertThat(MpiCommand.build(plan))
        .containsExactlyElementsOf(
            words(
                "mpirun --host algo-1:2,algo-2:2 -np 4 --allow-run-as-root --display-map"
                    + " --tag-output -mca btl_tcp_if_include ethw3 -mca oob_tcp_if_include ethw3"
                    + " -mca plm_rsh_no_tree_spawn 1 -bind-to none -map-by slot -mca pml ob1 -mca"
                    + " btl ^openib -mca orte_abort_on_non_zero_status 1 -mca"
                    + " btl_vader_single_copy_mechanism none -x NCCL_MIN_NRINGS=4 -x"
                    + " NCCL_SOCKET_IFNAME=ethw3 -x NCCL_DEBUG=INFO -x LD_LIBRARY_PATH -x PATH -x"
                    + " LD_PRELOAD="
                    + SHIM
                    + " -v --lr 35 -x FI_PROVIDER=efa -x NCCL_PROTO=simple"
                    + " -x FI_EFA_USE_DEVICE_RDMA=1 -x LD_CONFIG_PATH"
                    + " usr/bin/python3 -m mpi4py train.py -v --lr 35"));
  }

  @Test
  void build_pythonNonEfa_hasNoEfaFlags() throws Exception {
    // test_mpi_master_run_python.
    List<String> command = MpiCommand.build(twoHosts().build());

    assertThat(String.join(" ", command))
        .isEqualTo(
            "mpirun --host algo-1:2,algo-2:2 -np 4 "
                + FIXED_FLAGS
                + "-x NCCL_DEBUG=INFO -x LD_LIBRARY_PATH -x PATH -x LD_PRELOAD="
                + SHIM
                + " -v --lr 35 -x LD_CONFIG_PATH usr/bin/python3 -m mpi4py train.py -v --lr 35");
  }

  @Test
  void build_shellCommandWithCredentials_forwardsCredentialsAndRunsThroughSh() throws Exception {
    // test_mpi_master_run: COMMAND train.sh, AWS_ACCESS_KEY_ID present.
    LaunchPlan plan =
        twoHosts()
            .credentialEnvNamesFrom(Map.of("AWS_ACCESS_KEY_ID", "x", "HOME", "/root"))
            .entryPoint(EntryPoint.Type.COMMAND, "train.sh")
            .build();

    List<String> command = MpiCommand.build(plan);

    assertThat(command.subList(command.size() - 7, command.size()))
        .containsExactly(
            "-x",
            "AWS_ACCESS_KEY_ID",
            "-x",
            "LD_CONFIG_PATH",
            "/bin/sh",
            "-c",
            "./train.sh -v --lr 35");
  }

  @Test
  void build_allCredentials_forwardedInCanonicalOrderBeforeEnvNames() throws Exception {
    LaunchPlan plan =
        twoHosts()
            .credentialEnvNamesFrom(
                Map.of(
                    "AWS_SESSION_TOKEN",
                    "t",
                    "AWS_SECRET_ACCESS_KEY",
                    "s",
                    "AWS_ACCESS_KEY_ID",
                    "a"))
            .forwardedEnvNames(List.of("SM_HOSTS", "SM_CURRENT_HOST", "PYTHONPATH"))
            .build();

    String line = String.join(" ", MpiCommand.build(plan));

    assertThat(line)
        .contains(
            "-v --lr 35 -x AWS_ACCESS_KEY_ID -x AWS_SECRET_ACCESS_KEY -x AWS_SESSION_TOKEN -x"
                + " SM_HOSTS -x SM_CURRENT_HOST -x PYTHONPATH usr/bin/python3 -m mpi4py train.py");
  }

  @Test
  void build_shellCommandArgsWithSpaces_quotedLikeShlex() throws Exception {
    LaunchPlan plan =
        twoHosts()
            .entryPoint(EntryPoint.Type.COMMAND, "train.sh")
            .args(List.of("--name", "two words", "it's", "$HOME", ""))
            .build();

    List<String> command = MpiCommand.build(plan);

    assertThat(command.get(command.size() - 1))
        .isEqualTo("./train.sh --name 'two words' 'it'\"'\"'s' '$HOME' ''");
  }

  @Test
  void build_shellCommandWithoutArgs_keepsReferenceTrailingSpace() throws Exception {
    LaunchPlan plan =
        twoHosts().entryPoint(EntryPoint.Type.COMMAND, "train.sh").args(List.of()).build();

    List<String> command = MpiCommand.build(plan);

    assertThat(command.subList(command.size() - 3, command.size()))
        .containsExactly("/bin/sh", "-c", "./train.sh ");
  }

  @Test
  void build_pythonPackage_runsModuleThroughMpi4py() throws Exception {
    LaunchPlan plan = twoHosts().entryPoint(EntryPoint.Type.PYTHON_PACKAGE, "my.pyx.py").build();

    List<String> command = MpiCommand.build(plan);

    // Only the trailing .py goes; the reference's replace() would have made this "myx".
    assertThat(String.join(" ", command))
        .endsWith("usr/bin/python3 -m mpi4py -m my.pyx -v --lr 35");
  }

  @Test
  void build_oneProcessPerHost_listsBareHosts() throws Exception {
    LaunchPlan plan =
        twoHosts().processesPerHost(1).hosts(List.of("algo-1", "algo-2", "algo-3")).build();

    List<String> command = MpiCommand.build(plan);

    assertThat(command.subList(0, 5))
        .containsExactly("mpirun", "--host", "algo-1,algo-2,algo-3", "-np", "3");
  }

  @Test
  void build_numProcessesSet_overridesNp() throws Exception {
    List<String> command = MpiCommand.build(twoHosts().numProcesses(3).build());

    assertThat(command.subList(0, 5))
        .containsExactly("mpirun", "--host", "algo-1:2,algo-2:2", "-np", "3");
  }

  @Test
  void build_customNcclDebug_setsItAndDropsTheOption() throws Exception {
    LaunchPlan plan = twoHosts().customMpiOptions("--NCCL_DEBUG=WARN -verbose").build();

    String line = String.join(" ", MpiCommand.build(plan));

    assertThat(line)
        .contains("-x NCCL_DEBUG=WARN -x LD_LIBRARY_PATH")
        .contains(SHIM + " -verbose -x LD_CONFIG_PATH");
    assertThat(line).doesNotContain("--NCCL_DEBUG");
  }

  @Test
  void build_badCustomOptions_throwsInvalidMpiOptions() {
    LaunchPlan plan = twoHosts().customMpiOptions("--NCCL_DEBUG").build();

    assertThatThrownBy(() -> MpiCommand.build(plan))
        .isInstanceOf(InvalidMpiOptionsException.class)
        .hasMessageContaining("--NCCL_DEBUG");
  }

  @Test
  void build_hostWithComma_throwsLaunchConfiguration() {
    LaunchPlan plan = twoHosts().hosts(List.of("algo-1", "a,b")).build();

    assertThatThrownBy(() -> MpiCommand.build(plan))
        .isInstanceOf(LaunchConfigurationException.class)
        .hasMessageContaining("'a,b'");
  }

  @Test
  void build_withoutShim_omitsLdPreload() throws Exception {
    // The runner warns when the shim is missing; the ranks then see the machine's own host name.
    LaunchPlan plan = twoHosts().hostnameShim(null).build();

    assertThat(String.join(" ", MpiCommand.build(plan)))
        .doesNotContain("LD_PRELOAD")
        .contains("-x LD_LIBRARY_PATH -x PATH -v --lr 35");
  }

  @Test
  void build_modelParallelWithSmddpmprun_putsItBeforePython() throws Exception {
    // test_mpi_master_run_python_with_smddpmprun.
    LaunchPlan plan =
        twoHosts().modelParallelParameters("{\"partitions\": 2}").smddpmprunInstalled(true).build();

    String line = String.join(" ", MpiCommand.build(plan));

    assertThat(line)
        .endsWith(
            "-x LD_CONFIG_PATH smddpmprun -i ml.p3.16xlarge --allow-bypass"
                + " usr/bin/python3 -m mpi4py train.py -v --lr 35");
  }

  @Test
  void modelParallelOptions_disabled_isEmpty() throws Exception {
    LaunchPlan plan =
        twoHosts()
            .modelParallelParameters("{}")
            .dlcTorchVersion("2.0.0")
            .smddpmprunInstalled(true)
            .build();

    assertThat(MpiCommand.modelParallelOptions(plan)).isEmpty();
  }

  @Test
  void modelParallelOptions_noTorchVersion_isEmpty() throws Exception {
    LaunchPlan plan = twoHosts().modelParallelParameters("{\"a\":1}").build();

    assertThat(MpiCommand.modelParallelOptions(plan)).isEmpty();
  }

  @Test
  void modelParallelOptions_torch1_addsProtoOnly() throws Exception {
    LaunchPlan plan =
        twoHosts().modelParallelParameters("{\"a\":1}").dlcTorchVersion("1.13.1").build();

    assertThat(MpiCommand.modelParallelOptions(plan)).containsExactly("-x", "NCCL_PROTO=simple");
  }

  @Test
  void modelParallelOptions_torch2_addsProtoAndAlgo() throws Exception {
    LaunchPlan plan =
        twoHosts().modelParallelParameters("{\"a\":1}").dlcTorchVersion("2.0.0").build();

    assertThat(MpiCommand.modelParallelOptions(plan))
        .containsExactly("-x", "NCCL_PROTO=simple", "-x", "NCCL_ALGO=ring");
  }

  @Test
  void modelParallelOptions_nonAutoBackend_skipsSmddpmprun() throws Exception {
    LaunchPlan plan =
        twoHosts()
            .modelParallelParameters("{\"ddp_dist_backend\": \"nccl\"}")
            .smddpmprunInstalled(true)
            .build();

    assertThat(MpiCommand.modelParallelOptions(plan)).isEmpty();
  }

  @Test
  void modelParallelOptions_invalidJson_throwsLaunchConfiguration() {
    LaunchPlan plan = twoHosts().modelParallelParameters("{partitions").build();

    assertThatThrownBy(() -> MpiCommand.modelParallelOptions(plan))
        .isInstanceOf(LaunchConfigurationException.class)
        .hasMessageContaining("SM_HP_MP_PARAMETERS");
  }
}
