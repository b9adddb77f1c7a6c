package io.smtk.local;

import io.smtk.environment.FrameworkParameters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SDK's {@code distribution=} argument, as the {@code sagemaker_*} hyperparameters the
 * SageMaker Python SDK sets for it.
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
        flags.put(FrameworkParameters.MPI_ENABLED.name(), true);
        if (processesPerHost > 0) {
          flags.put(FrameworkParameters.PROCESSES_PER_HOST.name(), processesPerHost);
        }
        flags.put(FrameworkParameters.MPI_CUSTOM_OPTIONS.name(), "");
      }
      case TORCH_DISTRIBUTED ->
          flags.put(FrameworkParameters.TORCH_DISTRIBUTED_ENABLED.name(), true);
      case PYTORCHDDP -> flags.put(FrameworkParameters.PYTORCH_DDP_ENABLED.name(), true);
      case PARAMETER_SERVER -> flags.put(FrameworkParameters.PARAMETER_SERVER_ENABLED.name(), true);
      case MULTI_WORKER_MIRRORED ->
          flags.put(FrameworkParameters.MULTI_WORKER_MIRRORED_ENABLED.name(), true);
      case SMDDP -> {
        flags.put(FrameworkParameters.SMDDP_ENABLED.name(), true);
        flags.put(FrameworkParameters.SMDDP_CUSTOM_OPTIONS.name(), "");
      }
      case NONE -> {
        // Nothing: each host runs the entry point on its own.
      }
    }
    return flags;
  }

  /**
   * Returns the frameworks whose entries carry this distribution out. BYOC script mode runs only
   * MPI itself (the Python toolkit's trainer does the same): the other distributions are launched
   * by the framework images' entries.
   *
   * @return the frameworks; empty for {@link #NONE} and {@link #MPI}, which need none
   */
  public List<Framework> frameworks() {
    return switch (this) {
      case NONE, MPI -> List.of();
      case TORCH_DISTRIBUTED, PYTORCHDDP -> List.of(Framework.PYTORCH);
      case PARAMETER_SERVER -> List.of(Framework.TENSORFLOW, Framework.MXNET);
      case MULTI_WORKER_MIRRORED -> List.of(Framework.TENSORFLOW);
      case SMDDP -> List.of(Framework.PYTORCH, Framework.TENSORFLOW);
    };
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
