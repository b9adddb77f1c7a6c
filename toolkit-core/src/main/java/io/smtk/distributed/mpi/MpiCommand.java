package io.smtk.distributed.mpi;

import static io.smtk.distributed.mpi.MpiArguments.export;
import static io.smtk.distributed.mpi.MpiArguments.hostList;
import static io.smtk.distributed.mpi.MpiArguments.mca;
import static io.smtk.distributed.mpi.MpiArguments.preloadShim;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtk.distributed.cluster.EfaInstanceTypes;
import io.smtk.distributed.cluster.LaunchConfigurationException;
import io.smtk.distributed.cluster.LaunchPlan;
import io.smtk.launch.EntryPoint;
import io.smtk.launch.UserCommand;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@code mpirun} command the MPI master runs (spec section 18.2), flag for flag as the
 * Python toolkit's {@code mpi.MasterRunner._create_command}.
 *
 * <p>The result is an argv list, meant to be executed without a shell.
 */
public final class MpiCommand {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private MpiCommand() {}

  /**
   * Builds the mpirun argv.
   *
   * <p>In order: the host list ({@code h:pph} unless one process per host), {@code -np} ({@link
   * LaunchPlan#totalProcesses()}), the fixed flags, the {@code NCCL_*}, {@code LD_LIBRARY_PATH},
   * {@code PATH} and {@code LD_PRELOAD=<shim>} forwards, the custom options other than {@code
   * --NCCL_DEBUG}, the EFA flags, {@code -x} for each credential and forwarded variable, the model
   * parallel flags, and the user command run through {@code python -m mpi4py}.
   *
   * @param plan the launch plan; without a hostname shim no {@code LD_PRELOAD} is passed
   * @return the command, immutable
   * @throws InvalidMpiOptionsException if the custom MPI options are unusable
   * @throws LaunchConfigurationException if a host name does not fit mpirun's host list, or the
   *     model parallel parameters are not a JSON object
   */
  public static List<String> build(LaunchPlan plan) throws LaunchConfigurationException {
    MpiOptions options = MpiOptions.parse(plan.customMpiOptions());
    String iface = plan.networkInterface();
    int pph = plan.processesPerHost();

    List<String> command = new ArrayList<>();
    command.add("mpirun");
    command.add("--host");
    command.add(hostList(plan.hosts(), pph, pph != 1));
    command.add("-np");
    command.add(Integer.toString(plan.totalProcesses()));
    command.addAll(List.of("--allow-run-as-root", "--display-map", "--tag-output"));
    mca(command, "btl_tcp_if_include", iface);
    mca(command, "oob_tcp_if_include", iface);
    mca(command, "plm_rsh_no_tree_spawn", "1");
    command.addAll(List.of("-bind-to", "none", "-map-by", "slot"));
    mca(command, "pml", "ob1");
    mca(command, "btl", "^openib");
    mca(command, "orte_abort_on_non_zero_status", "1");
    mca(command, "btl_vader_single_copy_mechanism", "none");
    export(command, "NCCL_MIN_NRINGS=4");
    export(command, "NCCL_SOCKET_IFNAME=" + iface);
    export(command, "NCCL_DEBUG=" + options.ncclDebug());
    export(command, "LD_LIBRARY_PATH");
    export(command, "PATH");
    preloadShim(command, plan);
    command.addAll(options.additional());
    if (EfaInstanceTypes.isNccl(plan.instanceType())) {
      export(command, "FI_PROVIDER=efa");
      export(command, "NCCL_PROTO=simple");
    }
    if (EfaInstanceTypes.isRdma(plan.instanceType())) {
      export(command, "FI_EFA_USE_DEVICE_RDMA=1");
    }
    plan.credentialEnvNames().forEach(name -> export(command, name));
    plan.forwardedEnvNames().forEach(name -> export(command, name));
    command.addAll(modelParallelOptions(plan));
    command.addAll(
        UserCommand.underLauncher(
            new EntryPoint(plan.entryPoint(), plan.entryPointType()),
            plan.python(),
            List.of("-m", "mpi4py"),
            plan.args()));
    return List.copyOf(command);
  }

  /**
   * Returns the model parallel part of the command ({@code _modelparallel_environment_command}):
   * nothing unless model parallelism is enabled; then {@code -x NCCL_PROTO=simple} when a DLC torch
   * version is known, {@code -x NCCL_ALGO=ring} too when its major version is above 1, and {@code
   * smddpmprun -i <type> --allow-bypass} when the {@code ddp_dist_backend} is {@code auto} (the
   * default) and smddpmprun is installed.
   *
   * @param plan the launch plan
   * @return the options, possibly empty
   * @throws LaunchConfigurationException if {@code SM_HP_MP_PARAMETERS} is not a JSON object
   */
  public static List<String> modelParallelOptions(LaunchPlan plan)
      throws LaunchConfigurationException {
    if (!plan.modelParallelEnabled()) {
      return List.of();
    }
    List<String> options = new ArrayList<>();
    String torchVersion = plan.dlcTorchVersion();
    if (!torchVersion.isEmpty()) {
      options.addAll(List.of("-x", "NCCL_PROTO=simple"));
      if (majorVersion(torchVersion) > 1) {
        options.addAll(List.of("-x", "NCCL_ALGO=ring"));
      }
    }
    JsonNode parameters;
    try {
      parameters = MAPPER.readTree(plan.modelParallelParameters());
    } catch (JacksonException e) {
      throw new LaunchConfigurationException(
          "SM_HP_MP_PARAMETERS is not valid JSON: " + plan.modelParallelParameters(), e);
    }
    if (parameters == null || !parameters.isObject()) {
      throw new LaunchConfigurationException(
          "SM_HP_MP_PARAMETERS is not a JSON object: " + plan.modelParallelParameters());
    }
    JsonNode backend = parameters.get("ddp_dist_backend");
    boolean auto = backend == null || (backend.isTextual() && backend.asText().equals("auto"));
    if (auto && plan.smddpmprunInstalled()) {
      options.addAll(List.of("smddpmprun", "-i", plan.instanceType(), "--allow-bypass"));
    }
    return options;
  }

  // "2.0.0+cu118" → 2; a version without leading digits counts as 0 and adds no NCCL_ALGO.
  private static int majorVersion(String version) {
    int end = 0;
    while (end < version.length() && end < 9 && Character.isDigit(version.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(version.substring(0, end));
  }
}
