package io.smtk.local;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The SDK's {@code distribution=} argument, as the {@code sagemaker_*} hyperparameters the SageMaker
 * Python SDK sets for it.
 */
public enum Distribution {
  /** No distribution: every host runs the entry point once. */
  NONE,
  /** {@code {"mpi": {"enabled": true}}}: mpirun across the hosts. */
  MPI,
  /** {@code {"torch_distributed": {"enabled": true}}}: torchrun. */
  TORCH_DISTRIBUTED,
  /** {@code {"pytorchddp": {"enabled": true}}}: mpirun-launched PyTorch DDP. */
  PYTORCHDDP,
  /** {@code {"parameter_server": {"enabled": true}}}: TensorFlow or MXNet parameter servers. */
  PARAMETER_SERVER,
  /** {@code {"multi_worker_mirrored_strategy": {"enabled": true}}}: TensorFlow MWMS. */
  MULTI_WORKER_MIRRORED,
  /** {@code {"smdistributed": {"dataparallel": {"enabled": true}}}}: SageMaker data parallel. */
  SMDDP;

  /**
   * Returns the hyperparameters the SDK adds for this distribution, as natural values (they are
   * JSON-encoded with the rest).
   *
   * @param processesPerHost the {@code processes_per_host} for MPI, or 0 for the SDK's default
   * @return the flags in the order the SDK writes them; empty for {@link #NONE}
   */
  public Map<String, Object> hyperparameters(int processesPerHost) {
    Map<String, Object> flags = new LinkedHashMap<>();
    switch (this) {
      case MPI -> {
        flags.put("sagemaker_mpi_enabled", true);
        if (processesPerHost > 0) {
          flags.put("sagemaker_mpi_num_of_processes_per_host", processesPerHost);
        }
        flags.put("sagemaker_mpi_custom_mpi_options", "");
      }
      case TORCH_DISTRIBUTED -> flags.put("sagemaker_torch_distributed_enabled", true);
      case PYTORCHDDP -> flags.put("sagemaker_pytorch_ddp_enabled", true);
      case PARAMETER_SERVER -> flags.put("sagemaker_parameter_server_enabled", true);
      case MULTI_WORKER_MIRRORED -> flags.put("sagemaker_multi_worker_mirrored_strategy_enabled", true);
      case SMDDP -> {
        flags.put("sagemaker_distributed_dataparallel_enabled", true);
        flags.put("sagemaker_distributed_dataparallel_custom_mpi_options", "");
      }
      case NONE -> {
        // Nothing: each host runs the entry point on its own.
      }
    }
    return flags;
  }

  /**
   * Returns the distribution's name as typed on the command line.
   *
   * @return the lower-case name
   */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
