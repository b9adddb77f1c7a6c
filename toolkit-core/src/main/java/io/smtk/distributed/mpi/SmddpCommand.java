package io.smtk.distributed.mpi;

import static io.smtk.distributed.mpi.MpiArguments.export;
import static io.smtk.distributed.mpi.MpiArguments.hostList;
import static io.smtk.distributed.mpi.MpiArguments.mca;
import static io.smtk.distributed.mpi.MpiArguments.preloadShim;

import io.smtk.distributed.cluster.EfaInstanceTypes;
import io.smtk.distributed.cluster.LaunchConfigurationException;
import io.smtk.distributed.cluster.LaunchPlan;
import io.smtk.launch.EntryPoint;
import io.smtk.launch.UserCommand;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@code mpirun} command of the SageMaker distributed data parallel master (spec section
 * 18.4), flag for flag as the Python toolkit's {@code SMDataParallelRunner}.
 *
 * <p>Unlike {@link MpiCommand} it always sets {@code FI_PROVIDER=efa}, ignores {@code
 * sagemaker_mpi_num_processes}, and forwards the credential and job variables ({@code -x NAME})
 * after the SMDDP flags, just before {@code smddprun}; the reference forwarded none and relied on
 * workers appending their environment to {@code /etc/environment}, which smtk does not do. The
 * caller passes {@code sagemaker_distributed_dataparallel_custom_mpi_options} as the plan's custom
 * options and {@code sagemaker_instance_type} (else the current instance type) as its instance
 * type. When smddprun is not installed the caller should log the reference's warning {@value
 * #SMDDPRUN_MISSING_WARNING}.
 */
public final class SmddpCommand {

  /** The port of the SMDDP server on the master, for multi-host jobs. */
  public static final int SERVER_PORT = 7592;

  /** What the Python toolkit prints when smddprun is missing. */
  public static final String SMDDPRUN_MISSING_WARNING =
      "Warning: smddprun not being used as smddp is not installed";

  private SmddpCommand() {}

  /**
   * Builds the mpirun argv.
   *
   * @param plan the launch plan; without a hostname shim no {@code LD_PRELOAD} is passed
   * @return the command, immutable
   * @throws InvalidMpiOptionsException if the custom MPI options are unusable
   * @throws LaunchConfigurationException if a host name does not fit mpirun's host list
   */
  public static List<String> build(LaunchPlan plan) throws LaunchConfigurationException {
    MpiOptions options = MpiOptions.parse(plan.customMpiOptions());
    String iface = plan.networkInterface();
    int hostCount = plan.hosts().size();
    boolean multiNode = hostCount > 1;
    int pph = plan.processesPerHost();

    List<String> command = new ArrayList<>();
    command.add("mpirun");
    command.add("--host");
    command.add(hostList(plan.hosts(), pph, multiNode));
    command.add("-np");
    command.add(Integer.toString(pph * hostCount));
    command.addAll(List.of("--allow-run-as-root", "--tag-output", "--oversubscribe"));
    mca(command, "btl_tcp_if_include", iface);
    mca(command, "oob_tcp_if_include", iface);
    mca(command, "plm_rsh_no_tree_spawn", "1");
    mca(command, "pml", "ob1");
    mca(command, "btl", "^openib");
    mca(command, "orte_abort_on_non_zero_status", "1");
    mca(command, "btl_vader_single_copy_mechanism", "none");
    mca(command, "plm_rsh_num_concurrent", Integer.toString(hostCount));
    export(command, "NCCL_SOCKET_IFNAME=" + iface);
    export(command, "NCCL_DEBUG=" + options.ncclDebug());
    export(command, "LD_LIBRARY_PATH");
    export(command, "PATH");
    export(
        command,
        multiNode ? "SMDATAPARALLEL_USE_HOMOGENEOUS=1" : "SMDATAPARALLEL_USE_SINGLENODE=1");
    export(command, "FI_PROVIDER=efa");
    export(command, "RDMAV_FORK_SAFE=1");
    preloadShim(command, plan);
    command.addAll(options.additional());
    if (EfaInstanceTypes.isNccl(plan.instanceType())) {
      export(command, "NCCL_PROTO=simple");
    }
    if (EfaInstanceTypes.isRdma(plan.instanceType())) {
      export(command, "FI_EFA_USE_DEVICE_RDMA=1");
    }
    if (multiNode) {
      export(command, "SMDATAPARALLEL_SERVER_ADDR=" + plan.masterHost());
      export(command, "SMDATAPARALLEL_SERVER_PORT=" + SERVER_PORT);
      export(command, "SAGEMAKER_INSTANCE_TYPE=" + plan.instanceType());
    }
    // The reference left these to /etc/environment on the workers; smtk writes no such file, so
    // they travel with the command, as for plain MPI.
    plan.credentialEnvNames().forEach(name -> export(command, name));
    plan.forwardedEnvNames().forEach(name -> export(command, name));
    if (plan.smddprunInstalled()) {
      command.add("smddprun");
    }
    command.addAll(
        UserCommand.underLauncher(
            new EntryPoint(plan.entryPoint(), plan.entryPointType()),
            plan.python(),
            List.of("-m", "mpi4py"),
            plan.args()));
    return List.copyOf(command);
  }
}
