package io.smtk.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtk.distributed.cluster.LaunchPlan;
import io.smtk.distributed.control.ChannelKey;
import io.smtk.distributed.mpi.MpiCommand;
import io.smtk.distributed.mpi.MpiRunner;
import io.smtk.environment.Hardware;
import io.smtk.environment.InvalidTrainingConfigException;
import io.smtk.environment.ToolkitSettings;
import io.smtk.environment.TrainingEnvironment;
import io.smtk.environment.TrainingEnvironmentReader;
import io.smtk.framework.RunnerType;
import io.smtk.launch.EntryPoint;
import io.smtk.launch.UserLaunch;
import io.smtk.logging.ToolkitLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link DistributedRunners} and the commands its runners build. */
class DistributedRunnersTest {

  private static final String RESOURCES =
      "{\"current_host\": \"algo-2\", \"hosts\": [\"algo-1\", \"algo-2\"],"
          + " \"current_instance_type\": \"ml.p4d.24xlarge\", \"network_interface_name\": \"eth1\"}";

  @TempDir Path base;
  private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  private final ToolkitLog log =
      ToolkitLog.to(new PrintStream(logged, true, StandardCharsets.UTF_8));

  @BeforeEach
  void layOut() throws IOException {
    Files.createDirectories(base.resolve("input/config"));
    Files.createDirectories(base.resolve("code"));
    write("inputdataconfig.json", "{}");
    write("resourceconfig.json", RESOURCES);
    hyperparameters("{\"sagemaker_program\": \"\\\"train.py\\\"\", \"lr\": \"0.5\"}");
  }

  @Test
  void plan_noProcessesHyperparameter_defaultsToGpuCount() throws Exception {
    LaunchPlan plan = plan(RunnerType.MPI, new Hardware(8, 4, 0), Map.of());

    assertThat(plan.processesPerHost()).isEqualTo(4);
    assertThat(plan.hosts()).containsExactly("algo-1", "algo-2");
    assertThat(plan.masterHost()).isEqualTo("algo-1");
    assertThat(plan.currentHost()).isEqualTo("algo-2");
    assertThat(plan.networkInterface()).isEqualTo("eth1");
    assertThat(plan.instanceType()).isEqualTo("ml.p4d.24xlarge");
  }

  @Test
  void plan_noGpus_defaultsToNeuronCoresElseOne() throws Exception {
    assertThat(plan(RunnerType.MPI, new Hardware(8, 0, 2), Map.of()).processesPerHost())
        .isEqualTo(2);
    assertThat(plan(RunnerType.MPI, new Hardware(8, 0, 0), Map.of()).processesPerHost())
        .isEqualTo(1);
  }

  @Test
  void plan_processesHyperparameterAsString_isParsed() throws Exception {
    hyperparameters(
        "{\"sagemaker_program\": \"\\\"train.py\\\"\", \"sagemaker_mpi_num_of_processes_per_host\": \"\\\"3\\\"\","
            + " \"sagemaker_mpi_num_processes\": \"5\","
            + " \"sagemaker_mpi_custom_mpi_options\": \"\\\"--NCCL_DEBUG WARN\\\"\"}");

    LaunchPlan plan = plan(RunnerType.MPI, new Hardware(8, 4, 0), Map.of());

    assertThat(plan.processesPerHost()).isEqualTo(3);
    assertThat(plan.numProcesses()).isEqualTo(5);
    assertThat(plan.customMpiOptions()).isEqualTo("--NCCL_DEBUG WARN");
  }

  @Test
  void plan_smddp_usesItsOptionsInstanceTypeAndIgnoresNumProcesses() throws Exception {
    hyperparameters(
        "{\"sagemaker_program\": \"\\\"train.py\\\"\", \"sagemaker_mpi_num_processes\": \"5\","
            + " \"sagemaker_instance_type\": \"\\\"ml.p3.16xlarge\\\"\","
            + " \"sagemaker_mpi_custom_mpi_options\": \"\\\"-v\\\"\","
            + " \"sagemaker_distributed_dataparallel_custom_mpi_options\": \"\\\"--verbose\\\"\"}");

    LaunchPlan plan = plan(RunnerType.SMDDP, new Hardware(8, 0, 0), Map.of());

    assertThat(plan.instanceType()).isEqualTo("ml.p3.16xlarge");
    assertThat(plan.customMpiOptions()).isEqualTo("--verbose");
    assertThat(plan.numProcesses()).isZero();
  }

  @Test
  void mpiMasterCommand_asTheRunnerBuildsIt_isPinned() throws Exception {
    Path shim = Files.writeString(base.resolve("libsmtkhostname.so"), "");
    LaunchPlan plan =
        plan(
            RunnerType.MPI,
            new Hardware(8, 0, 0),
            Map.of("SMTK_HOSTNAME_SHIM", shim.toString(), "AWS_SESSION_TOKEN", "t"));

    List<String> command =
        MpiRunner.withSshConfig(MpiCommand.build(plan), "/tmp/smtk-ssh-1/ssh_config");

    assertThat(command.subList(0, 4))
        .containsExactly("mpirun", "-mca", "plm_rsh_args", "-F /tmp/smtk-ssh-1/ssh_config");
    assertThat(String.join(" ", command.subList(4, command.size())))
        .isEqualTo(
            "--host algo-1,algo-2 -np 2 --allow-run-as-root --display-map --tag-output"
                + " -mca btl_tcp_if_include eth1 -mca oob_tcp_if_include eth1 -mca plm_rsh_no_tree_spawn 1"
                + " -bind-to none -map-by slot -mca pml ob1 -mca btl ^openib"
                + " -mca orte_abort_on_non_zero_status 1 -mca btl_vader_single_copy_mechanism none"
                + " -x NCCL_MIN_NRINGS=4 -x NCCL_SOCKET_IFNAME=eth1 -x NCCL_DEBUG=INFO"
                + " -x LD_LIBRARY_PATH -x PATH -x LD_PRELOAD="
                + shim
                + " -x FI_PROVIDER=efa -x NCCL_PROTO=simple -x FI_EFA_USE_DEVICE_RDMA=1"
                + " -x AWS_SESSION_TOKEN -x SM_HOSTS -x PYTHONPATH"
                + " /usr/bin/python3 -m mpi4py train.py --lr 0.5");
  }

  @Test
  void plan_shimMissing_warnsAndOmitsLdPreload() throws Exception {
    LaunchPlan plan =
        plan(
            RunnerType.MPI,
            new Hardware(8, 0, 0),
            Map.of("SMTK_HOSTNAME_SHIM", "/nonexistent/shim.so"));

    assertThat(plan.hostnameShim()).isNull();
    assertThat(MpiCommand.build(plan)).noneMatch(word -> word.startsWith("LD_PRELOAD"));
    assertThat(logged.toString(StandardCharsets.UTF_8))
        .contains("libsmtkhostname.so was not found");
  }

  @Test
  void hostnameShim_checkoutLayout_foundAboveTheJar() throws Exception {
    Path shim = base.resolve("checkout/" + DistributedRunners.CHECKOUT_SHIM);
    Files.createDirectories(shim.getParent());
    Files.writeString(shim, "");
    Path jar = base.resolve("checkout/toolkit-core/target/toolkit-core-0.1.0.jar");

    assertThat(DistributedRunners.hostnameShim(ToolkitSettings.from(Map.of()), jar)).contains(shim);
  }

  @Test
  void hostnameShim_setting_winsEvenWhenMissing() throws Exception {
    Path shim = base.resolve("checkout/" + DistributedRunners.CHECKOUT_SHIM);
    Files.createDirectories(shim.getParent());
    Files.writeString(shim, "");
    ToolkitSettings settings =
        ToolkitSettings.from(Map.of("SMTK_HOSTNAME_SHIM", "/nonexistent/x.so"));

    assertThat(
            DistributedRunners.hostnameShim(
                settings, base.resolve("checkout/toolkit-core/target/x.jar")))
        .isEmpty();
  }

  @Test
  void channelKey_sameJobOnEveryHost_isEqualAndOtherJobsOrConfigurationsDiffer() throws Exception {
    String worker = fingerprint(Map.of());
    write(
        "resourceconfig.json",
        RESOURCES.replace("\"current_host\": \"algo-2\"", "\"current_host\": \"algo-1\""));
    String master = fingerprint(Map.of());
    String otherJob = fingerprint(Map.of("TRAINING_JOB_NAME", "other"));
    hyperparameters("{\"lr\": \"0.1\"}");
    String otherHyperparameters = fingerprint(Map.of());

    assertThat(worker).isEqualTo(master).hasSize(8);
    assertThat(otherJob).isNotEqualTo(master);
    assertThat(otherHyperparameters).isNotEqualTo(master);
  }

  @Test
  void channelKey_jobSecret_usedOnEveryHostAndDiffersFromTheDerivedKey() throws Exception {
    Map<String, String> secret = Map.of("SMTK_JOB_SECRET", "correct horse battery staple");
    ChannelKey worker =
        DistributedRunners.channelKey(environment(new Hardware(1, 0, 0), secret), settings(secret));
    hyperparameters("{\"lr\": \"0.1\"}");
    ChannelKey afterChange =
        DistributedRunners.channelKey(environment(new Hardware(1, 0, 0), secret), settings(secret));

    assertThat(worker.fromSecret()).isTrue();
    assertThat(worker.fingerprint())
        .isEqualTo(afterChange.fingerprint())
        .isNotEqualTo(fingerprint(Map.of()));
    assertThat(worker.toString()).doesNotContain("correct horse");
  }

  @Test
  void channelKey_secretRequiredButMissing_isAConfigurationError() {
    Map<String, String> required = Map.of("SMTK_REQUIRE_JOB_SECRET", "true");

    assertThatThrownBy(
            () ->
                DistributedRunners.channelKey(
                    environment(new Hardware(1, 0, 0), required), settings(required)))
        .isInstanceOf(InvalidTrainingConfigException.class)
        .hasMessageContaining("SMTK_JOB_SECRET");
  }

  private String fingerprint(Map<String, String> extra) throws Exception {
    return DistributedRunners.channelKey(environment(new Hardware(1, 0, 0), extra), settings(extra))
        .fingerprint();
  }

  @Test
  void withSshConfig_none_keepsCommand() {
    List<String> command = List.of("mpirun", "-np", "2");

    assertThat(MpiRunner.withSshConfig(command, null)).isSameAs(command);
  }

  private LaunchPlan plan(RunnerType runner, Hardware hardware, Map<String, String> extra)
      throws Exception {
    TrainingEnvironment environment = environment(hardware, extra);
    ToolkitSettings settings = settings(extra);
    Map<String, String> userVariables = new LinkedHashMap<>();
    userVariables.put("SM_HOSTS", "[\"algo-1\",\"algo-2\"]");
    userVariables.put("PYTHONPATH", base.resolve("code").toString());
    UserLaunch launch =
        new UserLaunch(
            new EntryPoint("train.py", EntryPoint.Type.PYTHON_PROGRAM),
            "/usr/bin/python3",
            base.resolve("code"),
            List.of("--lr", "0.5"),
            userVariables,
            settings.variables());
    return DistributedRunners.plan(runner, environment, settings, log, launch);
  }

  private TrainingEnvironment environment(Hardware hardware, Map<String, String> extra)
      throws Exception {
    return TrainingEnvironmentReader.withHardware(hardware).read(settings(extra));
  }

  private ToolkitSettings settings(Map<String, String> extra) throws Exception {
    Map<String, String> env = new HashMap<>(extra);
    env.put("SAGEMAKER_BASE_DIR", base.toString());
    env.put("PATH", "/usr/bin:/bin");
    env.putIfAbsent("SMTK_HOSTNAME_SHIM", "/nonexistent/libsmtkhostname.so");
    return ToolkitSettings.from(env);
  }

  private void hyperparameters(String json) throws IOException {
    write("hyperparameters.json", json);
  }

  private void write(String name, String text) throws IOException {
    Files.writeString(base.resolve("input/config").resolve(name), text);
  }
}
