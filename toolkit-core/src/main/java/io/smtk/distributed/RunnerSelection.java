package io.smtk.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import io.smtk.python.PythonValues;
import java.math.BigDecimal;
import java.util.List;

/**
 * Chooses the {@link RunnerType} and reads the launcher hyperparameters from the additional
 * framework parameters (the {@code sagemaker_*} hyperparameters other than the core ones), as the
 * Python toolkit's trainer, PyTorch toolkit and {@code runner.get} do.
 *
 * <p>Flags are tested with Python truthiness ({@link #isTruthy}): {@code false}, {@code null}, 0,
 * "", [] and {} are false, anything else true. The environment reader has already decoded
 * hyperparameters, so {@code "true"} arrives here as a JSON boolean.
 */
public final class RunnerSelection {

  /** Hyperparameter that turns MPI on. */
  public static final String MPI_ENABLED = "sagemaker_mpi_enabled";

  /** Hyperparameter that sets the processes per host for every runner. */
  public static final String PROCESSES_PER_HOST = "sagemaker_mpi_num_of_processes_per_host";

  /** Hyperparameter that sets mpirun's {@code -np}. */
  public static final String NUM_PROCESSES = "sagemaker_mpi_num_processes";

  /** Hyperparameter holding the MPI runner's custom mpirun options. */
  public static final String MPI_CUSTOM_OPTIONS = "sagemaker_mpi_custom_mpi_options";

  /** Hyperparameter holding the SMDDP runner's custom mpirun options. */
  public static final String SMDDP_CUSTOM_OPTIONS =
      "sagemaker_distributed_dataparallel_custom_mpi_options";

  /** Hyperparameter that turns SMDDP on. */
  public static final String SMDDP_ENABLED = "sagemaker_distributed_dataparallel_enabled";

  /** PyTorch hyperparameter that also selects SMDDP (sic, as in the reference). */
  public static final String PYTORCH_DDP_ENABLED = "sagemaker_pytorch_ddp_enabled";

  /** PyTorch hyperparameter that turns torchrun on. */
  public static final String TORCH_DISTRIBUTED_ENABLED = "sagemaker_torch_distributed_enabled";

  /** PyTorch hyperparameter that turns PT-XLA on. */
  public static final String PYTORCH_XLA_ENABLED = "sagemaker_pytorch_xla_multi_worker_enabled";

  // PyTorch's priority order (spec section 19.1): the first truthy flag wins.
  private static final List<String> PYTORCH_FLAGS =
      List.of(
          MPI_ENABLED,
          PYTORCH_DDP_ENABLED,
          TORCH_DISTRIBUTED_ENABLED,
          SMDDP_ENABLED,
          PYTORCH_XLA_ENABLED);
  private static final List<RunnerType> PYTORCH_RUNNERS =
      List.of(
          RunnerType.MPI,
          RunnerType.SMDDP,
          RunnerType.TORCH_DISTRIBUTED,
          RunnerType.SMDDP,
          RunnerType.PYTORCH_XLA);

  private RunnerSelection() {}

  /**
   * Chooses the runner of script mode (no framework module, spec section 12): MPI when {@code
   * sagemaker_mpi_enabled} is truthy and the current instance group is a distribution group, else a
   * plain process.
   *
   * @param frameworkParams the additional framework parameters object; null counts as empty
   * @param currentInstanceGroup the current host's instance group
   * @param distributionInstanceGroups the groups that take part in distribution
   * @return {@link RunnerType#MPI} or {@link RunnerType#PROCESS}
   */
  public static RunnerType forScriptMode(
      JsonNode frameworkParams,
      String currentInstanceGroup,
      List<String> distributionInstanceGroups) {
    boolean inDistribution = distributionInstanceGroups.contains(currentInstanceGroup);
    return inDistribution && isTruthy(param(frameworkParams, MPI_ENABLED))
        ? RunnerType.MPI
        : RunnerType.PROCESS;
  }

  /**
   * Chooses the runner of the PyTorch framework (spec section 19.1): a plain process unless the
   * current instance group is a distribution group; then the first truthy of MPI, PyTorch DDP
   * (SMDDP), torch distributed, SMDDP and PT-XLA.
   *
   * @param frameworkParams the additional framework parameters object; null counts as empty
   * @param currentInstanceGroup the current host's instance group
   * @param distributionInstanceGroups the groups that take part in distribution
   * @return the runner type
   */
  public static RunnerType forPyTorch(
      JsonNode frameworkParams,
      String currentInstanceGroup,
      List<String> distributionInstanceGroups) {
    if (!distributionInstanceGroups.contains(currentInstanceGroup)) {
      return RunnerType.PROCESS;
    }
    for (int i = 0; i < PYTORCH_FLAGS.size(); i++) {
      if (isTruthy(param(frameworkParams, PYTORCH_FLAGS.get(i)))) {
        return PYTORCH_RUNNERS.get(i);
      }
    }
    return RunnerType.PROCESS;
  }

  /**
   * Returns the default processes per host: the GPU count, else the Neuron core count, else 1.
   *
   * @param numGpus GPUs on this host
   * @param numNeurons Neuron cores on this host
   * @return at least 1
   */
  public static int defaultProcessesPerHost(int numGpus, int numNeurons) {
    return numGpus > 0 ? numGpus : numNeurons > 0 ? numNeurons : 1;
  }

  /**
   * Reads {@code sagemaker_mpi_num_of_processes_per_host}. Unlike the reference, which did
   * arithmetic on whatever JSON type arrived, the value is coerced to an int: a JSON integer, an
   * integral number such as {@code 2.0}, or a string of digits.
   *
   * @param frameworkParams the additional framework parameters object; null counts as empty
   * @param defaultValue used when the key is absent or null, see {@link #defaultProcessesPerHost}
   * @return at least 1
   * @throws LaunchConfigurationException if the value is not a positive integer
   */
  public static int processesPerHost(JsonNode frameworkParams, int defaultValue)
      throws LaunchConfigurationException {
    JsonNode value = param(frameworkParams, PROCESSES_PER_HOST);
    if (value == null || value.isNull()) {
      return defaultValue;
    }
    int count = toInt(value, PROCESSES_PER_HOST);
    if (count < 1) {
      throw new LaunchConfigurationException(
          "Hyperparameter " + PROCESSES_PER_HOST + " must be at least 1, not " + value);
    }
    return count;
  }

  /**
   * Reads {@code sagemaker_mpi_num_processes}, coerced like {@link #processesPerHost}.
   *
   * @param frameworkParams the additional framework parameters object; null counts as empty
   * @return the value, or 0 when absent, null or 0 (meaning processes per host times hosts)
   * @throws LaunchConfigurationException if the value is not a non-negative integer
   */
  public static int numProcesses(JsonNode frameworkParams) throws LaunchConfigurationException {
    JsonNode value = param(frameworkParams, NUM_PROCESSES);
    if (value == null || value.isNull()) {
      return 0;
    }
    int count = toInt(value, NUM_PROCESSES);
    if (count < 0) {
      throw new LaunchConfigurationException(
          "Hyperparameter " + NUM_PROCESSES + " must not be negative, not " + value);
    }
    return count;
  }

  /**
   * Reads a custom MPI options hyperparameter ({@link #MPI_CUSTOM_OPTIONS} or {@link
   * #SMDDP_CUSTOM_OPTIONS}).
   *
   * @param frameworkParams the additional framework parameters object; null counts as empty
   * @param key the hyperparameter name
   * @return the options text, "" when absent or null
   * @throws LaunchConfigurationException if the value is not a string
   */
  public static String customMpiOptions(JsonNode frameworkParams, String key)
      throws LaunchConfigurationException {
    JsonNode value = param(frameworkParams, key);
    if (value == null || value.isNull()) {
      return "";
    }
    if (!value.isTextual()) {
      throw new LaunchConfigurationException(
          "Hyperparameter " + key + " must be a string of mpirun options, not " + value);
    }
    return value.asText();
  }

  /**
   * Tells whether a JSON value is true under Python's rules; see {@link PythonValues#truthy}.
   *
   * @param value a value, or null for an absent key
   * @return false for null, JSON null, false, zero, "", [] and {}; true otherwise
   */
  public static boolean isTruthy(JsonNode value) {
    return PythonValues.truthy(value);
  }

  private static JsonNode param(JsonNode frameworkParams, String key) {
    return frameworkParams == null ? null : frameworkParams.get(key);
  }

  private static int toInt(JsonNode value, String key) throws LaunchConfigurationException {
    try {
      BigDecimal number;
      if (value.isNumber()) {
        number = value.decimalValue();
      } else if (value.isTextual() && value.textValue().strip().matches("[+-]?\\d+")) {
        number = new BigDecimal(value.textValue().strip());
      } else {
        throw new ArithmeticException("not a number");
      }
      return number.intValueExact();
    } catch (ArithmeticException e) {
      throw new LaunchConfigurationException(
          "Hyperparameter " + key + " must be an integer, not " + value, e);
    }
  }
}
