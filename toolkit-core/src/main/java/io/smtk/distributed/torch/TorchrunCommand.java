package io.smtk.distributed.torch;

import io.smtk.distributed.cluster.EfaInstanceTypes;
import io.smtk.distributed.cluster.LaunchConfigurationException;
import io.smtk.distributed.cluster.LaunchPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the torchrun command and environment every host runs for {@code
 * sagemaker_torch_distributed_enabled} (spec section 18.5), as the Python toolkit's {@code
 * TorchDistributedRunner}.
 */
public final class TorchrunCommand {

  /** The rendezvous port on the master. */
  public static final int MASTER_PORT = 7777;

  /** The launcher the Python toolkit runs. */
  public static final List<String> TORCHRUN = List.of("torchrun");

  private TorchrunCommand() {}

  /**
   * Builds {@code [neuron_parallel_compile] torchrun --nnodes N --nproc_per_node P [--master_addr M
   * --master_port 7777 --node_rank R] entry args}; the master options appear only with more than
   * one host.
   *
   * @param plan the launch plan
   * @return the command, immutable
   * @throws UnsupportedEntryPointException for a Python package or a command
   * @throws LaunchConfigurationException if there are several hosts and the current host is not one
   */
  public static List<String> build(LaunchPlan plan) throws LaunchConfigurationException {
    return build(plan, TORCHRUN);
  }

  /**
   * Builds the command with another launcher in place of {@code torchrun}, for example {@code
   * [/usr/bin/python3, -m, torch.distributed.run]} where no {@code torchrun} script is installed.
   *
   * @param plan the launch plan
   * @param launcher the argv that replaces {@code torchrun}
   * @return the command, immutable
   * @throws UnsupportedEntryPointException for a Python package or a command
   * @throws LaunchConfigurationException if there are several hosts and the current host is not one
   */
  public static List<String> build(LaunchPlan plan, List<String> launcher)
      throws LaunchConfigurationException {
    switch (plan.entryPointType()) {
      case PYTHON_PACKAGE ->
          throw new UnsupportedEntryPointException(
              plan.entryPointType(),
              "Python packages are not supported for torch_distributed. "
                  + "Please use a python script as the entry-point");
      case COMMAND ->
          throw new UnsupportedEntryPointException(
              plan.entryPointType(), "Unsupported entry point type for torch_distributed");
      default -> {}
    }
    List<String> hosts = plan.hosts();
    List<String> command = new ArrayList<>();
    if (plan.neuronParallelCompile()) {
      command.add("neuron_parallel_compile");
    }
    command.addAll(launcher);
    command.add("--nnodes");
    command.add(Integer.toString(hosts.size()));
    command.add("--nproc_per_node");
    command.add(Integer.toString(plan.processesPerHost()));
    if (hosts.size() > 1) {
      command.add("--master_addr");
      command.add(plan.masterHost());
      command.add("--master_port");
      command.add(Integer.toString(MASTER_PORT));
      command.add("--node_rank");
      command.add(Integer.toString(plan.hostRank("torchrun node rank")));
    }
    command.add(plan.entryPoint());
    command.addAll(plan.args());
    return List.copyOf(command);
  }

  /**
   * Returns the variables torchrun's environment gets on top of the toolkit's: {@code
   * FI_PROVIDER=efa} on EFA NCCL instances, {@code FI_EFA_USE_DEVICE_RDMA=1} and {@code
   * RDMAV_FORK_SAFE=1} on EFA RDMA instances, and always {@code NCCL_SOCKET_IFNAME} and {@code
   * NCCL_PROTO=simple}.
   *
   * @param plan the launch plan
   * @return the variables in the order the reference sets them, unmodifiable
   */
  public static Map<String, String> environment(LaunchPlan plan) {
    Map<String, String> env = new LinkedHashMap<>();
    if (EfaInstanceTypes.isNccl(plan.instanceType())) {
      env.put("FI_PROVIDER", "efa");
    }
    if (EfaInstanceTypes.isRdma(plan.instanceType())) {
      env.put("FI_EFA_USE_DEVICE_RDMA", "1");
      env.put("RDMAV_FORK_SAFE", "1");
    }
    env.put("NCCL_SOCKET_IFNAME", plan.networkInterface());
    env.put("NCCL_PROTO", "simple");
    return Collections.unmodifiableMap(env);
  }
}
