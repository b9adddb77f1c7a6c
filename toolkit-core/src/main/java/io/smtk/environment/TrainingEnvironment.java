package io.smtk.environment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a training job is told by SageMaker, read once from {@code /opt/ml} and the process
 * environment: the immutable value the user's contract ({@code SM_*} variables, arguments) is built
 * from.
 *
 * <p>Create it with {@link TrainingEnvironmentReader#read}; tests may use {@link #builder()}. JSON
 * members are deep copies, so changing a node obtained from here changes nothing.
 */
public final class TrainingEnvironment {

  private static final String CODE = "code";
  private final Path baseDir;
  private final ObjectNode resourceConfig;
  private final ObjectNode inputDataConfig;
  private final ObjectNode hyperparameters;
  private final FrameworkParameters frameworkParameters;
  private final String currentHost;
  private final List<String> hosts;
  private final String currentInstanceType;
  private final String currentInstanceGroup;
  private final List<String> currentInstanceGroupHosts;
  private final List<String> instanceGroups;
  private final ObjectNode instanceGroupsDict;
  private final List<String> distributionInstanceGroups;
  private final List<String> distributionHosts;
  private final boolean hetero;
  private final String masterHostname;
  private final boolean master;
  private final String networkInterfaceName;
  private final JsonNode topology;
  private final JsonNode modelParallelEnabled;
  private final boolean smddprunInstalled;
  private final boolean smddpmprunInstalled;
  private final String jobName;
  private final JsonNode logLevel;
  private final String moduleDir;
  private final String moduleName;
  private final String userEntryPoint;
  private final String frameworkModule;
  private final int numCpus;
  private final int numGpus;
  private final int numNeurons;
  private final String sagemakerRegion;
  private final String sagemakerJobName;
  private final String s3Output;
  private final Map<String, Path> channelInputDirs;

  private TrainingEnvironment(Builder builder) {
    this.baseDir = Objects.requireNonNull(builder.baseDir, "baseDir");
    this.resourceConfig = Objects.requireNonNull(builder.resourceConfig, "resourceConfig").deepCopy();
    this.inputDataConfig = Objects.requireNonNull(builder.inputDataConfig, "inputDataConfig").deepCopy();
    this.hyperparameters = Objects.requireNonNull(builder.hyperparameters, "hyperparameters").deepCopy();
    this.frameworkParameters = Objects.requireNonNull(builder.frameworkParameters, "frameworkParameters");
    this.currentHost = Objects.requireNonNull(builder.currentHost, "currentHost");
    this.hosts = List.copyOf(Objects.requireNonNull(builder.hosts, "hosts"));
    this.currentInstanceType = Objects.requireNonNull(builder.currentInstanceType, "currentInstanceType");
    this.currentInstanceGroup = Objects.requireNonNull(builder.currentInstanceGroup, "currentInstanceGroup");
    this.currentInstanceGroupHosts = List.copyOf(Objects.requireNonNull(builder.currentInstanceGroupHosts, "currentInstanceGroupHosts"));
    this.instanceGroups = List.copyOf(Objects.requireNonNull(builder.instanceGroups, "instanceGroups"));
    this.instanceGroupsDict = Objects.requireNonNull(builder.instanceGroupsDict, "instanceGroupsDict").deepCopy();
    this.distributionInstanceGroups = List.copyOf(Objects.requireNonNull(builder.distributionInstanceGroups, "distributionInstanceGroups"));
    this.distributionHosts = List.copyOf(Objects.requireNonNull(builder.distributionHosts, "distributionHosts"));
    this.hetero = builder.hetero;
    this.masterHostname = Objects.requireNonNull(builder.masterHostname, "masterHostname");
    this.master = builder.master;
    this.networkInterfaceName = Objects.requireNonNull(builder.networkInterfaceName, "networkInterfaceName");
    this.topology = Objects.requireNonNull(builder.topology, "topology").deepCopy();
    this.modelParallelEnabled = Objects.requireNonNull(builder.modelParallelEnabled, "modelParallelEnabled").deepCopy();
    this.smddprunInstalled = builder.smddprunInstalled;
    this.smddpmprunInstalled = builder.smddpmprunInstalled;
    this.jobName = builder.jobName;
    this.logLevel = Objects.requireNonNull(builder.logLevel, "logLevel").deepCopy();
    this.moduleDir = Objects.requireNonNull(builder.moduleDir, "moduleDir");
    this.moduleName = Objects.requireNonNull(builder.moduleName, "moduleName");
    this.userEntryPoint = builder.userEntryPoint;
    this.frameworkModule = builder.frameworkModule;
    this.numCpus = builder.numCpus;
    this.numGpus = builder.numGpus;
    this.numNeurons = builder.numNeurons;
    this.sagemakerRegion = Objects.requireNonNull(builder.sagemakerRegion, "sagemakerRegion");
    this.sagemakerJobName = Objects.requireNonNull(builder.sagemakerJobName, "sagemakerJobName");
    this.s3Output = builder.s3Output;
    this.channelInputDirs = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(builder.channelInputDirs, "channelInputDirs")));
  }

  /**
   * Returns a builder with nothing set.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding this environment's values, to derive a changed copy.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.baseDir = baseDir;
    builder.resourceConfig = resourceConfig;
    builder.inputDataConfig = inputDataConfig;
    builder.hyperparameters = hyperparameters;
    builder.frameworkParameters = frameworkParameters;
    builder.currentHost = currentHost;
    builder.hosts = hosts;
    builder.currentInstanceType = currentInstanceType;
    builder.currentInstanceGroup = currentInstanceGroup;
    builder.currentInstanceGroupHosts = currentInstanceGroupHosts;
    builder.instanceGroups = instanceGroups;
    builder.instanceGroupsDict = instanceGroupsDict;
    builder.distributionInstanceGroups = distributionInstanceGroups;
    builder.distributionHosts = distributionHosts;
    builder.hetero = hetero;
    builder.masterHostname = masterHostname;
    builder.master = master;
    builder.networkInterfaceName = networkInterfaceName;
    builder.topology = topology;
    builder.modelParallelEnabled = modelParallelEnabled;
    builder.smddprunInstalled = smddprunInstalled;
    builder.smddpmprunInstalled = smddpmprunInstalled;
    builder.jobName = jobName;
    builder.logLevel = logLevel;
    builder.moduleDir = moduleDir;
    builder.moduleName = moduleName;
    builder.userEntryPoint = userEntryPoint;
    builder.frameworkModule = frameworkModule;
    builder.numCpus = numCpus;
    builder.numGpus = numGpus;
    builder.numNeurons = numNeurons;
    builder.sagemakerRegion = sagemakerRegion;
    builder.sagemakerJobName = sagemakerJobName;
    builder.s3Output = s3Output;
    builder.channelInputDirs = channelInputDirs;
    return builder;
  }

  /**
   * Returns the SageMaker base directory, {@code /opt/ml} in a container.
   *
   * @return the value
   */
  public Path baseDir() {
    return baseDir;
  }

  /**
   * Returns {@code resourceconfig.json} as read, keys in file order.
   *
   * @return the value
   */
  public ObjectNode resourceConfig() {
    return resourceConfig.deepCopy();
  }

  /**
   * Returns {@code inputdataconfig.json} as read: channel name to channel settings.
   *
   * @return the value
   */
  public ObjectNode inputDataConfig() {
    return inputDataConfig.deepCopy();
  }

  /**
   * Returns the user's hyperparameters, decoded: everything but the SageMaker ones.
   *
   * @return the value
   */
  public ObjectNode hyperparameters() {
    return hyperparameters.deepCopy();
  }

  /**
   * Returns every SageMaker hyperparameter ({@code sagemaker_*} and the reserved keys), with its knobs.
   *
   * @return the parameters
   */
  public FrameworkParameters frameworkParameters() {
    return frameworkParameters;
  }

  /**
   * Returns the {@code sagemaker_*} hyperparameters that are not reserved keys (the contract's
   * {@code additional_framework_parameters}).
   *
   * @return a new object
   */
  public ObjectNode additionalFrameworkParameters() {
    return frameworkParameters.additional();
  }

  /**
   * Returns this host's name, e.g. {@code algo-1}.
   *
   * @return the value
   */
  public String currentHost() {
    return currentHost;
  }

  /**
   * Returns every host of the job, in resourceconfig order.
   *
   * @return the value
   */
  public List<String> hosts() {
    return hosts;
  }

  /**
   * Returns this host's instance type, {@code local} when not given.
   *
   * @return the value
   */
  public String currentInstanceType() {
    return currentInstanceType;
  }

  /**
   * Returns this host's instance group, {@code homogeneousCluster} when not given.
   *
   * @return the value
   */
  public String currentInstanceGroup() {
    return currentInstanceGroup;
  }

  /**
   * Returns the hosts of this host's instance group, in the group's order.
   *
   * @return the value
   */
  public List<String> currentInstanceGroupHosts() {
    return currentInstanceGroupHosts;
  }

  /**
   * Returns the names of the instance groups, in resourceconfig order.
   *
   * @return the value
   */
  public List<String> instanceGroups() {
    return instanceGroups;
  }

  /**
   * Returns instance group name to its resourceconfig entry.
   *
   * @return the value
   */
  public ObjectNode instanceGroupsDict() {
    return instanceGroupsDict.deepCopy();
  }

  /**
   * Returns the instance groups that take part in distributed training.
   *
   * @return the value
   */
  public List<String> distributionInstanceGroups() {
    return distributionInstanceGroups;
  }

  /**
   * Returns the hosts of the distribution instance groups, in group order.
   *
   * @return the value
   */
  public List<String> distributionHosts() {
    return distributionHosts;
  }

  /**
   * Returns whether the job has more than one instance group.
   *
   * @return the value
   */
  public boolean isHetero() {
    return hetero;
  }

  /**
   * Returns the master host: the first distribution host, else the first host.
   *
   * @return the value
   */
  public String masterHostname() {
    return masterHostname;
  }

  /**
   * Returns whether this host is the master.
   *
   * @return the value
   */
  public boolean isMaster() {
    return master;
  }

  /**
   * Returns the network interface for inter-host traffic, {@code eth0} when not given.
   *
   * @return the value
   */
  public String networkInterfaceName() {
    return networkInterfaceName;
  }

  /**
   * Returns the resourceconfig topology, an empty array when not given.
   *
   * @return the value
   */
  public JsonNode topology() {
    return topology.deepCopy();
  }

  /**
   * Returns Python's {@code mp and mp != "{}"} of {@code SM_HP_MP_PARAMETERS}: null when unset.
   *
   * @return the value
   */
  public JsonNode modelParallelEnabled() {
    return modelParallelEnabled.deepCopy();
  }

  /**
   * Returns whether {@code smddprun} is on PATH.
   *
   * @return the value
   */
  public boolean isSmddprunInstalled() {
    return smddprunInstalled;
  }

  /**
   * Returns whether {@code smddpmprun} is on PATH.
   *
   * @return the value
   */
  public boolean isSmddpmprunInstalled() {
    return smddpmprunInstalled;
  }

  /**
   * Returns {@code TRAINING_JOB_NAME}, or null.
   *
   * @return the value, or empty
   */
  public Optional<String> jobName() {
    return Optional.ofNullable(jobName);
  }

  /**
   * Returns the {@code sagemaker_container_log_level} hyperparameter, 20 when not given.
   *
   * @return the value
   */
  public JsonNode logLevel() {
    return logLevel.deepCopy();
  }

  /**
   * Returns where the user's code comes from: {@code sagemaker_submit_directory}, else the code directory.
   *
   * @return the value
   */
  public String moduleDir() {
    return moduleDir;
  }

  /**
   * Returns the entry point without a trailing {@code .py}, or {@code None} when there is none.
   *
   * @return the value
   */
  public String moduleName() {
    return moduleName;
  }

  /**
   * Returns the entry point ({@code SAGEMAKER_PROGRAM}, else {@code sagemaker_program}), or null.
   *
   * @return the value, or empty
   */
  public Optional<String> userEntryPoint() {
    return Optional.ofNullable(userEntryPoint);
  }

  /**
   * Returns {@code SAGEMAKER_TRAINING_MODULE} as set, or null.
   *
   * @return the value, or empty
   */
  public Optional<String> frameworkModule() {
    return Optional.ofNullable(frameworkModule);
  }

  /**
   * Returns the host's online CPUs.
   *
   * @return the value
   */
  public int numCpus() {
    return numCpus;
  }

  /**
   * Returns the NVIDIA GPUs {@code nvidia-smi} lists.
   *
   * @return the value
   */
  public int numGpus() {
    return numGpus;
  }

  /**
   * Returns the Neuron cores {@code neuron-ls} reports.
   *
   * @return the value
   */
  public int numNeurons() {
    return numNeurons;
  }

  /**
   * Returns the region: {@code sagemaker_region}, else the default region, else empty.
   *
   * @return the value
   */
  public String sagemakerRegion() {
    return sagemakerRegion;
  }

  /**
   * Returns the {@code sagemaker_job_name} hyperparameter, empty when not given.
   *
   * @return the value
   */
  public String sagemakerJobName() {
    return sagemakerJobName;
  }

  /**
   * Returns the {@code sagemaker_s3_output} hyperparameter, or null.
   *
   * @return the value, or empty
   */
  public Optional<String> s3Output() {
    return Optional.ofNullable(s3Output);
  }

  /**
   * Returns channel name to its data directory, in inputdataconfig order.
   *
   * @return the value
   */
  public Map<String, Path> channelInputDirs() {
    return channelInputDirs;
  }

  /**
   * Returns the directory the user's code is installed into and run from.
   *
   * @return {@code <base>/code}
   */
  public Path codeDir() {
    return baseDir.resolve(CODE);
  }

  /**
   * Returns the directory the user's model is saved to.
   *
   * @return {@code <base>/model}
   */
  public Path modelDir() {
    return baseDir.resolve("model");
  }

  /**
   * Returns the input directory.
   *
   * @return {@code <base>/input}
   */
  public Path inputDir() {
    return baseDir.resolve("input");
  }

  /**
   * Returns the directory of the configuration files.
   *
   * @return {@code <base>/input/config}
   */
  public Path inputConfigDir() {
    return inputDir().resolve("config");
  }

  /**
   * Returns the directory holding one folder per channel.
   *
   * @return {@code <base>/input/data}
   */
  public Path inputDataDir() {
    return inputDir().resolve("data");
  }

  /**
   * Returns the output directory, home of the success and failure files.
   *
   * @return {@code <base>/output}
   */
  public Path outputDir() {
    return baseDir.resolve("output");
  }

  /**
   * Returns the directory for the user's output data.
   *
   * @return {@code <base>/output/data}
   */
  public Path outputDataDir() {
    return outputDir().resolve("data");
  }

  /**
   * Returns the directory whose files are synced to S3 while training runs.
   *
   * @return {@code <base>/output/intermediate}
   */
  public Path outputIntermediateDir() {
    return outputDir().resolve("intermediate");
  }

  @Override
  public String toString() {
    return "TrainingEnvironment{currentHost=" + currentHost + ", hosts=" + hosts + ", userEntryPoint="
        + userEntryPoint + ", frameworkModule=" + frameworkModule + ", baseDir=" + baseDir + "}";
  }

  /** Builds a {@link TrainingEnvironment}; every member without a stated default must be set. */
  public static final class Builder {
    private Path baseDir;
    private ObjectNode resourceConfig;
    private ObjectNode inputDataConfig;
    private ObjectNode hyperparameters;
    private FrameworkParameters frameworkParameters;
    private String currentHost;
    private List<String> hosts;
    private String currentInstanceType;
    private String currentInstanceGroup;
    private List<String> currentInstanceGroupHosts;
    private List<String> instanceGroups;
    private ObjectNode instanceGroupsDict;
    private List<String> distributionInstanceGroups;
    private List<String> distributionHosts;
    private boolean hetero;
    private String masterHostname;
    private boolean master;
    private String networkInterfaceName;
    private JsonNode topology;
    private JsonNode modelParallelEnabled;
    private boolean smddprunInstalled;
    private boolean smddpmprunInstalled;
    private String jobName;
    private JsonNode logLevel;
    private String moduleDir;
    private String moduleName;
    private String userEntryPoint;
    private String frameworkModule;
    private int numCpus;
    private int numGpus;
    private int numNeurons;
    private String sagemakerRegion;
    private String sagemakerJobName;
    private String s3Output;
    private Map<String, Path> channelInputDirs;

    private Builder() {}

    /**
     * Sets the SageMaker base directory, {@code /opt/ml} in a container.
     *
     * @param baseDir the value
     * @return this builder
     */
    public Builder baseDir(Path baseDir) {
      this.baseDir = baseDir;
      return this;
    }

    /**
     * Sets {@code resourceconfig.json} as read, keys in file order.
     *
     * @param resourceConfig the value
     * @return this builder
     */
    public Builder resourceConfig(ObjectNode resourceConfig) {
      this.resourceConfig = resourceConfig;
      return this;
    }

    /**
     * Sets {@code inputdataconfig.json} as read: channel name to channel settings.
     *
     * @param inputDataConfig the value
     * @return this builder
     */
    public Builder inputDataConfig(ObjectNode inputDataConfig) {
      this.inputDataConfig = inputDataConfig;
      return this;
    }

    /**
     * Sets the user's hyperparameters, decoded: everything but the SageMaker ones.
     *
     * @param hyperparameters the value
     * @return this builder
     */
    public Builder hyperparameters(ObjectNode hyperparameters) {
      this.hyperparameters = hyperparameters;
      return this;
    }

    /**
     * Sets every SageMaker hyperparameter ({@code sagemaker_*} and the reserved keys).
     *
     * @param frameworkParameters the parameters
     * @return this builder
     */
    public Builder frameworkParameters(FrameworkParameters frameworkParameters) {
      this.frameworkParameters = frameworkParameters;
      return this;
    }

    /**
     * Sets this host's name, e.g. {@code algo-1}.
     *
     * @param currentHost the value
     * @return this builder
     */
    public Builder currentHost(String currentHost) {
      this.currentHost = currentHost;
      return this;
    }

    /**
     * Sets every host of the job, in resourceconfig order.
     *
     * @param hosts the value
     * @return this builder
     */
    public Builder hosts(List<String> hosts) {
      this.hosts = hosts;
      return this;
    }

    /**
     * Sets this host's instance type, {@code local} when not given.
     *
     * @param currentInstanceType the value
     * @return this builder
     */
    public Builder currentInstanceType(String currentInstanceType) {
      this.currentInstanceType = currentInstanceType;
      return this;
    }

    /**
     * Sets this host's instance group, {@code homogeneousCluster} when not given.
     *
     * @param currentInstanceGroup the value
     * @return this builder
     */
    public Builder currentInstanceGroup(String currentInstanceGroup) {
      this.currentInstanceGroup = currentInstanceGroup;
      return this;
    }

    /**
     * Sets the hosts of this host's instance group, in the group's order.
     *
     * @param currentInstanceGroupHosts the value
     * @return this builder
     */
    public Builder currentInstanceGroupHosts(List<String> currentInstanceGroupHosts) {
      this.currentInstanceGroupHosts = currentInstanceGroupHosts;
      return this;
    }

    /**
     * Sets the names of the instance groups, in resourceconfig order.
     *
     * @param instanceGroups the value
     * @return this builder
     */
    public Builder instanceGroups(List<String> instanceGroups) {
      this.instanceGroups = instanceGroups;
      return this;
    }

    /**
     * Sets instance group name to its resourceconfig entry.
     *
     * @param instanceGroupsDict the value
     * @return this builder
     */
    public Builder instanceGroupsDict(ObjectNode instanceGroupsDict) {
      this.instanceGroupsDict = instanceGroupsDict;
      return this;
    }

    /**
     * Sets the instance groups that take part in distributed training.
     *
     * @param distributionInstanceGroups the value
     * @return this builder
     */
    public Builder distributionInstanceGroups(List<String> distributionInstanceGroups) {
      this.distributionInstanceGroups = distributionInstanceGroups;
      return this;
    }

    /**
     * Sets the hosts of the distribution instance groups, in group order.
     *
     * @param distributionHosts the value
     * @return this builder
     */
    public Builder distributionHosts(List<String> distributionHosts) {
      this.distributionHosts = distributionHosts;
      return this;
    }

    /**
     * Sets whether the job has more than one instance group.
     *
     * @param hetero the value
     * @return this builder
     */
    public Builder hetero(boolean hetero) {
      this.hetero = hetero;
      return this;
    }

    /**
     * Sets the master host: the first distribution host, else the first host.
     *
     * @param masterHostname the value
     * @return this builder
     */
    public Builder masterHostname(String masterHostname) {
      this.masterHostname = masterHostname;
      return this;
    }

    /**
     * Sets whether this host is the master.
     *
     * @param master the value
     * @return this builder
     */
    public Builder master(boolean master) {
      this.master = master;
      return this;
    }

    /**
     * Sets the network interface for inter-host traffic, {@code eth0} when not given.
     *
     * @param networkInterfaceName the value
     * @return this builder
     */
    public Builder networkInterfaceName(String networkInterfaceName) {
      this.networkInterfaceName = networkInterfaceName;
      return this;
    }

    /**
     * Sets the resourceconfig topology, an empty array when not given.
     *
     * @param topology the value
     * @return this builder
     */
    public Builder topology(JsonNode topology) {
      this.topology = topology;
      return this;
    }

    /**
     * Sets Python's {@code mp and mp != "{}"} of {@code SM_HP_MP_PARAMETERS}: null when unset.
     *
     * @param modelParallelEnabled the value
     * @return this builder
     */
    public Builder modelParallelEnabled(JsonNode modelParallelEnabled) {
      this.modelParallelEnabled = modelParallelEnabled;
      return this;
    }

    /**
     * Sets whether {@code smddprun} is on PATH.
     *
     * @param smddprunInstalled the value
     * @return this builder
     */
    public Builder smddprunInstalled(boolean smddprunInstalled) {
      this.smddprunInstalled = smddprunInstalled;
      return this;
    }

    /**
     * Sets whether {@code smddpmprun} is on PATH.
     *
     * @param smddpmprunInstalled the value
     * @return this builder
     */
    public Builder smddpmprunInstalled(boolean smddpmprunInstalled) {
      this.smddpmprunInstalled = smddpmprunInstalled;
      return this;
    }

    /**
     * Sets {@code TRAINING_JOB_NAME}, or null.
     *
     * @param jobName the value
     * @return this builder
     */
    public Builder jobName(String jobName) {
      this.jobName = jobName;
      return this;
    }

    /**
     * Sets the {@code sagemaker_container_log_level} hyperparameter, 20 when not given.
     *
     * @param logLevel the value
     * @return this builder
     */
    public Builder logLevel(JsonNode logLevel) {
      this.logLevel = logLevel;
      return this;
    }

    /**
     * Sets where the user's code comes from: {@code sagemaker_submit_directory}, else the code directory.
     *
     * @param moduleDir the value
     * @return this builder
     */
    public Builder moduleDir(String moduleDir) {
      this.moduleDir = moduleDir;
      return this;
    }

    /**
     * Sets the entry point without a trailing {@code .py}, or {@code None} when there is none.
     *
     * @param moduleName the value
     * @return this builder
     */
    public Builder moduleName(String moduleName) {
      this.moduleName = moduleName;
      return this;
    }

    /**
     * Sets the entry point ({@code SAGEMAKER_PROGRAM}, else {@code sagemaker_program}), or null.
     *
     * @param userEntryPoint the value
     * @return this builder
     */
    public Builder userEntryPoint(String userEntryPoint) {
      this.userEntryPoint = userEntryPoint;
      return this;
    }

    /**
     * Sets {@code SAGEMAKER_TRAINING_MODULE} as set, or null.
     *
     * @param frameworkModule the value
     * @return this builder
     */
    public Builder frameworkModule(String frameworkModule) {
      this.frameworkModule = frameworkModule;
      return this;
    }

    /**
     * Sets the host's online CPUs.
     *
     * @param numCpus the value
     * @return this builder
     */
    public Builder numCpus(int numCpus) {
      this.numCpus = numCpus;
      return this;
    }

    /**
     * Sets the NVIDIA GPUs {@code nvidia-smi} lists.
     *
     * @param numGpus the value
     * @return this builder
     */
    public Builder numGpus(int numGpus) {
      this.numGpus = numGpus;
      return this;
    }

    /**
     * Sets the Neuron cores {@code neuron-ls} reports.
     *
     * @param numNeurons the value
     * @return this builder
     */
    public Builder numNeurons(int numNeurons) {
      this.numNeurons = numNeurons;
      return this;
    }

    /**
     * Sets the region: {@code sagemaker_region}, else the default region, else empty.
     *
     * @param sagemakerRegion the value
     * @return this builder
     */
    public Builder sagemakerRegion(String sagemakerRegion) {
      this.sagemakerRegion = sagemakerRegion;
      return this;
    }

    /**
     * Sets the {@code sagemaker_job_name} hyperparameter, empty when not given.
     *
     * @param sagemakerJobName the value
     * @return this builder
     */
    public Builder sagemakerJobName(String sagemakerJobName) {
      this.sagemakerJobName = sagemakerJobName;
      return this;
    }

    /**
     * Sets the {@code sagemaker_s3_output} hyperparameter, or null.
     *
     * @param s3Output the value
     * @return this builder
     */
    public Builder s3Output(String s3Output) {
      this.s3Output = s3Output;
      return this;
    }

    /**
     * Sets channel name to its data directory, in inputdataconfig order.
     *
     * @param channelInputDirs the value
     * @return this builder
     */
    public Builder channelInputDirs(Map<String, Path> channelInputDirs) {
      this.channelInputDirs = channelInputDirs;
      return this;
    }

    /**
     * Builds the environment.
     *
     * @return the immutable environment
     * @throws NullPointerException when a required member was not set
     */
    public TrainingEnvironment build() {
      return new TrainingEnvironment(this);
    }
  }
}
