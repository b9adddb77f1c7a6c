package io.smtk.environment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a training job is told by SageMaker, read once from {@code /opt/ml} and the process
 * environment: the immutable value the user's contract ({@code SM_*} variables, arguments) is built
 * from. Each part is read and validated by its own record; the accessors below are the Python
 * toolkit's {@code Environment} properties.
 *
 * <p>Create it with {@link TrainingEnvironmentReader#read}. JSON members are copies, so changing a
 * node obtained from here changes nothing.
 *
 * @param baseDir the SageMaker base directory, {@code /opt/ml} in a container
 * @param resources {@code resourceconfig.json}
 * @param inputData {@code inputdataconfig.json}
 * @param parameters {@code hyperparameters.json}, split into the user's and SageMaker's
 * @param distribution the hosts taking part in distributed training
 * @param hardware this host's CPUs, GPUs and Neuron cores
 * @param job the entry point, names, region and the other settings
 */
public record TrainingEnvironment(
    Path baseDir,
    ResourceConfig resources,
    InputDataConfig inputData,
    Hyperparameters parameters,
    Distribution distribution,
    Hardware hardware,
    JobSettings job) {

  /**
   * Returns this environment with the user's hyperparameters replaced; the contract follows them.
   *
   * @param hyperparameters the user's hyperparameters
   * @return the environment
   */
  public TrainingEnvironment withHyperparameters(ObjectNode hyperparameters) {
    return new TrainingEnvironment(
        baseDir,
        resources,
        inputData,
        parameters.withUser(hyperparameters),
        distribution,
        hardware,
        job);
  }

  /**
   * Returns this environment with SageMaker's hyperparameters replaced (the Python API's {@code
   * extra_opts}); the distribution stays as read.
   *
   * @param frameworkParameters the parameters
   * @return the environment
   */
  public TrainingEnvironment withFrameworkParameters(FrameworkParameters frameworkParameters) {
    return new TrainingEnvironment(
        baseDir,
        resources,
        inputData,
        parameters.withFramework(frameworkParameters),
        distribution,
        hardware,
        job);
  }

  /** {@return resourceconfig.json as read} */
  public ObjectNode resourceConfig() {
    return resources.json();
  }

  /** {@return inputdataconfig.json as read} */
  public ObjectNode inputDataConfig() {
    return inputData.json();
  }

  /** {@return the user's hyperparameters, decoded} */
  public ObjectNode hyperparameters() {
    return parameters.user();
  }

  /**
   * {@return every SageMaker hyperparameter ({@code sagemaker_*} and the reserved keys), with its
   * knobs}
   */
  public FrameworkParameters frameworkParameters() {
    return parameters.framework();
  }

  /**
   * {@return the contract's additional_framework_parameters: the sagemaker_* keys that are not
   * reserved}
   */
  public ObjectNode additionalFrameworkParameters() {
    return parameters.framework().additional();
  }

  /** {@return this host's name, e.g. algo-1} */
  public String currentHost() {
    return resources.currentHost();
  }

  /** {@return every host of the job} */
  public List<String> hosts() {
    return resources.hosts();
  }

  /** {@return this host's instance type} */
  public String currentInstanceType() {
    return resources.currentInstanceType();
  }

  /** {@return this host's instance group} */
  public String currentInstanceGroup() {
    return resources.currentInstanceGroup();
  }

  /** {@return the hosts of this host's instance group} */
  public List<String> currentInstanceGroupHosts() {
    return resources.currentInstanceGroupHosts();
  }

  /** {@return the instance groups' names} */
  public List<String> instanceGroups() {
    return resources.instanceGroups();
  }

  /** {@return each instance group's object, by name} */
  public ObjectNode instanceGroupsDict() {
    return resources.instanceGroupsDict();
  }

  /** {@return the instance groups that take part in distribution} */
  public List<String> distributionInstanceGroups() {
    return distribution.instanceGroups();
  }

  /** {@return the hosts that take part in distribution} */
  public List<String> distributionHosts() {
    return distribution.hosts();
  }

  /** {@return whether the job has more than one instance group} */
  public boolean isHetero() {
    return resources.instanceGroups().size() > 1;
  }

  /** {@return the first distribution host (or the first host)} */
  public String masterHostname() {
    return distribution.masterHostname();
  }

  /** {@return whether this host is the master} */
  public boolean isMaster() {
    return resources.currentHost().equals(distribution.masterHostname());
  }

  /** {@return the job network's interface} */
  public String networkInterfaceName() {
    return resources.networkInterfaceName();
  }

  /** {@return the GB200 topology, [] when absent} */
  public JsonNode topology() {
    return resources.topology();
  }

  /** {@return the reference's is_modelparallel_enabled: null, "" or a boolean} */
  public JsonNode modelParallelEnabled() {
    return job.modelParallelEnabled();
  }

  /** {@return whether smddprun is installed} */
  public boolean isSmddprunInstalled() {
    return job.smddprunInstalled();
  }

  /** {@return whether smddpmprun is installed} */
  public boolean isSmddpmprunInstalled() {
    return job.smddpmprunInstalled();
  }

  /** {@return TRAINING_JOB_NAME, when set} */
  public Optional<String> jobName() {
    return Optional.ofNullable(job.trainingJobName());
  }

  /** {@return sagemaker_container_log_level as given, else 20} */
  public JsonNode logLevel() {
    return job.logLevel();
  }

  /** {@return where the user's code comes from} */
  public String moduleDir() {
    return job.moduleDir();
  }

  /** {@return the entry point without .py} */
  public String moduleName() {
    return job.moduleName();
  }

  /** {@return the user's entry point, when one is given} */
  public Optional<String> userEntryPoint() {
    return job.entryPoint();
  }

  /** {@return SAGEMAKER_TRAINING_MODULE, when set} */
  public Optional<String> frameworkModule() {
    return Optional.ofNullable(job.frameworkModule());
  }

  /** {@return this host's CPUs} */
  public int numCpus() {
    return hardware.cpus();
  }

  /** {@return this host's GPUs} */
  public int numGpus() {
    return hardware.gpus();
  }

  /** {@return this host's Neuron cores} */
  public int numNeurons() {
    return hardware.neurons();
  }

  /** {@return the job's region, or ""} */
  public String sagemakerRegion() {
    return job.sagemakerRegion();
  }

  /** {@return sagemaker_job_name, or ""} */
  public String sagemakerJobName() {
    return job.sagemakerJobName();
  }

  /** {@return the S3 URI intermediate output is synced to, when set} */
  public Optional<String> s3Output() {
    return Optional.ofNullable(job.s3Output());
  }

  /** {@return each channel's folder} */
  public Map<String, Path> channelInputDirs() {
    return inputData.channelInputDirs();
  }

  /** {@return the code directory} */
  public Path codeDir() {
    return baseDir.resolve("code");
  }

  /** {@return where the model goes} */
  public Path modelDir() {
    return baseDir.resolve("model");
  }

  /** {@return input/} */
  public Path inputDir() {
    return baseDir.resolve("input");
  }

  /** {@return input/config/} */
  public Path inputConfigDir() {
    return inputDir().resolve("config");
  }

  /** {@return input/data/} */
  public Path inputDataDir() {
    return inputDir().resolve("data");
  }

  /** {@return output/} */
  public Path outputDir() {
    return baseDir.resolve("output");
  }

  /** {@return output/data/} */
  public Path outputDataDir() {
    return outputDir().resolve("data");
  }

  /** {@return output/intermediate/} */
  public Path outputIntermediateDir() {
    return outputDir().resolve("intermediate");
  }
}
