package io.smtk.distributed.torch;

import io.smtk.distributed.cluster.LaunchConfigurationException;
import io.smtk.distributed.cluster.LaunchPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the PyTorch XLA ({@code xla_spawn}) command and environment every host runs for {@code
 * sagemaker_pytorch_xla_multi_worker_enabled} (spec section 18.6), as the Python toolkit's {@code
 * PyTorchXLARunner}.
 *
 * <p>The reference also checks that {@code torch_xla} and {@code torch_xla.distributed.xla_spawn}
 * import; that needs the interpreter, so the runner does it, not this pure builder.
 */
public final class PyTorchXlaCommand {

  /** The XRT mesh service port on the master. */
  public static final int MESH_SERVICE_PORT = 53957;

  /** The XRT worker port on every host. */
  public static final int WORKER_PORT = 43857;

  private PyTorchXlaCommand() {}

  /**
   * Builds {@code python -m torch_xla.distributed.xla_spawn --num_gpus N entry args}.
   *
   * @param plan the launch plan
   * @return the command, immutable
   * @throws TrainingCompilerConfigurationException if the host has no GPU, or the entry point is a
   *     package or a command
   * @throws LaunchConfigurationException if the current host is not a distribution host
   */
  public static List<String> build(LaunchPlan plan) throws LaunchConfigurationException {
    checkCompatibility(plan);
    switch (plan.entryPointType()) {
      case PYTHON_PACKAGE ->
          throw new TrainingCompilerConfigurationException(
              "Distributed Training through PT-XLA is not supported for Python packages. "
                  + "Please use a python script as the entry-point");
      case COMMAND ->
          throw new TrainingCompilerConfigurationException(
              "Distributed Training through PT-XLA is only supported for Python scripts. "
                  + "Please use a python script as the entry-point");
      default -> {}
    }
    plan.hostRank("PT-XLA host ordinal");
    List<String> command = new ArrayList<>();
    command.add(plan.python());
    command.add("-m");
    command.add("torch_xla.distributed.xla_spawn");
    command.add("--num_gpus");
    command.add(Integer.toString(plan.numGpus()));
    command.add(plan.entryPoint());
    command.addAll(plan.args());
    return List.copyOf(command);
  }

  /**
   * Returns the variables the XLA launch adds to the environment, in the reference's order; {@code
   * XRT_MESH_SERVICE_ADDRESS} only with more than one host.
   *
   * @param plan the launch plan
   * @return the variables, unmodifiable
   * @throws TrainingCompilerConfigurationException if the host has no GPU
   * @throws LaunchConfigurationException if the current host is not a distribution host
   */
  public static Map<String, String> environment(LaunchPlan plan)
      throws LaunchConfigurationException {
    checkCompatibility(plan);
    List<String> hosts = plan.hosts();
    String gpus = Integer.toString(plan.numGpus());
    List<String> workers = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      workers.add("localservice:" + i + ";" + hosts.get(i) + ":" + WORKER_PORT);
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("NCCL_DEBUG", "info");
    env.put("NCCL_PROTO", "simple");
    env.put("FI_EFA_USE_DEVICE_RDMA", "1");
    env.put("OFI_NCCL_NIC_DUP_CONNS", gpus);
    env.put("XRT_HOST_ORDINAL", Integer.toString(plan.hostRank("PT-XLA host ordinal")));
    env.put("XRT_SHARD_WORLD_SIZE", Integer.toString(hosts.size()));
    env.put("XRT_WORKERS", String.join("|", workers));
    env.put("GPU_NUM_DEVICES", gpus);
    if (hosts.size() > 1) {
      env.put("XRT_MESH_SERVICE_ADDRESS", plan.masterHost() + ":" + MESH_SERVICE_PORT);
    }
    return Collections.unmodifiableMap(env);
  }

  private static void checkCompatibility(LaunchPlan plan)
      throws TrainingCompilerConfigurationException {
    if (plan.numGpus() <= 0) {
      throw new TrainingCompilerConfigurationException(
          "Distributed training through PT-XLA is only supported for GPUs.");
    }
  }
}
