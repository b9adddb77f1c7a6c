package io.smtk.distributed;

import io.smtk.environment.FrameworkParameters;
import io.smtk.environment.InvalidTrainingConfigException;
import io.smtk.framework.RunnerType;
import java.util.List;

/**
 * Chooses the {@link RunnerType} and reads the launcher knobs from the job's {@link
 * FrameworkParameters}, as the Python toolkit's trainer, PyTorch toolkit and {@code runner.get} do.
 * Flags are tested with Python truthiness.
 */
public final class RunnerSelection {

  private RunnerSelection() {}

  /**
   * Chooses the runner of script mode (no framework module, spec section 12): MPI when {@code
   * sagemaker_mpi_enabled} is truthy and the current instance group is a distribution group, else a
   * plain process.
   *
   * @param params the job's framework parameters
   * @param currentInstanceGroup the current host's instance group
   * @param distributionInstanceGroups the groups that take part in distribution
   * @return {@link RunnerType#MPI} or {@link RunnerType#PROCESS}
   */
  public static RunnerType forScriptMode(
      FrameworkParameters params,
      String currentInstanceGroup,
      List<String> distributionInstanceGroups) {
    boolean inDistribution = distributionInstanceGroups.contains(currentInstanceGroup);
    return inDistribution && params.isOn(FrameworkParameters.MPI_ENABLED)
        ? RunnerType.MPI
        : RunnerType.PROCESS;
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
   * arithmetic on whatever JSON type arrived, the value is an int: a JSON integer, an integral
   * number such as {@code 2.0}, or a string of digits.
   *
   * @param params the job's framework parameters
   * @param defaultValue used when the key is absent or null, see {@link #defaultProcessesPerHost}
   * @return at least 1
   * @throws InvalidTrainingConfigException if the value is not a positive integer
   */
  public static int processesPerHost(FrameworkParameters params, int defaultValue)
      throws InvalidTrainingConfigException {
    var knob = FrameworkParameters.PROCESSES_PER_HOST;
    int count = params.find(knob).orElse(defaultValue);
    if (count < 1) {
      throw new InvalidTrainingConfigException(
          "Hyperparameter " + knob.name() + " must be at least 1, not " + count);
    }
    return count;
  }

  /**
   * Reads {@code sagemaker_mpi_num_processes}, an int like {@link #processesPerHost}.
   *
   * @param params the job's framework parameters
   * @return the value, or 0 when absent, null or 0 (meaning processes per host times hosts)
   * @throws InvalidTrainingConfigException if the value is not a non-negative integer
   */
  public static int numProcesses(FrameworkParameters params) throws InvalidTrainingConfigException {
    var knob = FrameworkParameters.NUM_PROCESSES;
    int count = params.get(knob);
    if (count < 0) {
      throw new InvalidTrainingConfigException(
          "Hyperparameter " + knob.name() + " must not be negative, not " + count);
    }
    return count;
  }
}
