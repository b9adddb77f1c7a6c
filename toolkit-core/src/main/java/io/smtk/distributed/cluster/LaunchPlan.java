package io.smtk.distributed.cluster;

import io.smtk.distributed.mpi.MpiCommand;
import io.smtk.distributed.mpi.MpiOptions;
import io.smtk.distributed.mpi.SmddpCommand;
import io.smtk.distributed.torch.PyTorchXlaCommand;
import io.smtk.distributed.torch.TorchrunCommand;
import io.smtk.environment.ModelParallel;
import io.smtk.launch.EntryPoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the launch command builders ({@link MpiCommand}, {@link SmddpCommand}, {@link
 * TorchrunCommand}, {@link PyTorchXlaCommand}) need, gathered once from the environment so that the
 * builders stay pure functions.
 *
 * <p>Build it with {@link #builder()}; the builder documents each default.
 *
 * @param hosts the distribution hosts in instance-group order (the master is normally the first)
 * @param currentHost the host this toolkit runs on
 * @param masterHost the host that runs mpirun, or torchrun's rendezvous master
 * @param processesPerHost processes (ranks) started on each host, at least 1
 * @param numProcesses the total number of MPI ranks, or 0 for {@code processesPerHost * hosts}
 * @param networkInterface the interface MPI and NCCL use, from resourceconfig
 * @param instanceType the instance type the EFA decisions are made for
 * @param customMpiOptions the raw custom MPI options hyperparameter, see {@link MpiOptions}
 * @param forwardedEnvNames names passed to mpirun as {@code -x NAME}, in order (SM_* vars,
 *     PYTHONPATH)
 * @param credentialEnvNames the AWS credential variables present in the toolkit's environment
 * @param hostnameShim the absolute path of {@code libsmtkhostname.so}; null if no MPI runner is
 *     used
 * @param python the interpreter that runs user code
 * @param entryPointType how the entry point is started
 * @param entryPoint the user entry point ({@code train.py}, a package name, {@code train.sh})
 * @param args the user's command line arguments
 * @param numGpus the GPUs on this host (PyTorch XLA uses it)
 * @param modelParallelParameters the {@code SM_HP_MP_PARAMETERS} JSON, or "" when unset
 * @param dlcTorchVersion the {@code SM_DLC_TORCH_VERSION} value, or "" when unset
 * @param smddprunInstalled whether {@code smddprun} is on the PATH
 * @param smddpmprunInstalled whether {@code smddpmprun} is on the PATH
 * @param neuronParallelCompile whether {@code RUN_NEURON_PARALLEL_COMPILE} is "1"
 */
public record LaunchPlan(
    List<String> hosts,
    String currentHost,
    String masterHost,
    int processesPerHost,
    int numProcesses,
    String networkInterface,
    String instanceType,
    String customMpiOptions,
    List<String> forwardedEnvNames,
    List<String> credentialEnvNames,
    Path hostnameShim,
    String python,
    EntryPoint.Type entryPointType,
    String entryPoint,
    List<String> args,
    int numGpus,
    String modelParallelParameters,
    String dlcTorchVersion,
    boolean smddprunInstalled,
    boolean smddpmprunInstalled,
    boolean neuronParallelCompile) {

  /** The AWS credential variables mpirun forwards when present, in the order it forwards them. */
  public static final List<String> AWS_CREDENTIAL_ENV_NAMES =
      List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");

  /** Validates the plan and makes it immutable; programming errors throw unchecked exceptions. */
  public LaunchPlan {
    hosts = List.copyOf(hosts);
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("hosts must not be empty");
    }
    Objects.requireNonNull(currentHost, "currentHost");
    Objects.requireNonNull(masterHost, "masterHost");
    if (processesPerHost < 1) {
      throw new IllegalArgumentException(
          "processesPerHost must be at least 1: " + processesPerHost);
    }
    if (numProcesses < 0) {
      throw new IllegalArgumentException("numProcesses must not be negative: " + numProcesses);
    }
    if (numGpus < 0) {
      throw new IllegalArgumentException("numGpus must not be negative: " + numGpus);
    }
    Objects.requireNonNull(networkInterface, "networkInterface");
    Objects.requireNonNull(instanceType, "instanceType");
    Objects.requireNonNull(customMpiOptions, "customMpiOptions");
    forwardedEnvNames = List.copyOf(forwardedEnvNames);
    credentialEnvNames = List.copyOf(credentialEnvNames);
    for (String name : concat(forwardedEnvNames, credentialEnvNames)) {
      // mpirun reads "-x A=B" as a value assignment, so a name must not carry one.
      if (name.isEmpty() || name.indexOf('=') >= 0) {
        throw new IllegalArgumentException("not an environment variable name: '" + name + "'");
      }
    }
    Objects.requireNonNull(python, "python");
    Objects.requireNonNull(entryPointType, "entryPointType");
    Objects.requireNonNull(entryPoint, "entryPoint");
    args = List.copyOf(args);
    Objects.requireNonNull(modelParallelParameters, "modelParallelParameters");
    Objects.requireNonNull(dlcTorchVersion, "dlcTorchVersion");
  }

  /**
   * Starts a plan; hosts, the current host and the entry point must be set, the rest has defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding this plan's values, to derive a changed copy.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.hosts = hosts;
    builder.currentHost = currentHost;
    builder.masterHost = masterHost;
    builder.processesPerHost = processesPerHost;
    builder.numProcesses = numProcesses;
    builder.networkInterface = networkInterface;
    builder.instanceType = instanceType;
    builder.customMpiOptions = customMpiOptions;
    builder.forwardedEnvNames = forwardedEnvNames;
    builder.credentialEnvNames = credentialEnvNames;
    builder.hostnameShim = hostnameShim;
    builder.python = python;
    builder.entryPointType = entryPointType;
    builder.entryPoint = entryPoint;
    builder.args = args;
    builder.numGpus = numGpus;
    builder.modelParallelParameters = modelParallelParameters;
    builder.dlcTorchVersion = dlcTorchVersion;
    builder.smddprunInstalled = smddprunInstalled;
    builder.smddpmprunInstalled = smddpmprunInstalled;
    builder.neuronParallelCompile = neuronParallelCompile;
    return builder;
  }

  /**
   * Tells whether model parallelism is on, as the Python toolkit decides it: {@code
   * SM_HP_MP_PARAMETERS} set and not {@code "{}"}.
   *
   * @return true when model parallelism is enabled
   */
  public boolean modelParallelEnabled() {
    return ModelParallel.isEnabled(modelParallelParameters);
  }

  /**
   * Returns this host's position among the distribution hosts (torchrun's node rank, XLA's host
   * ordinal).
   *
   * @param purpose what the position is for, named in the error
   * @return the 0-based position
   * @throws LaunchConfigurationException when the current host is not a distribution host
   */
  public int hostRank(String purpose) throws LaunchConfigurationException {
    int rank = hosts.indexOf(currentHost);
    if (rank < 0) {
      throw new LaunchConfigurationException(
          "Current host '"
              + currentHost
              + "' is not one of the distribution hosts "
              + hosts
              + ", so it has no "
              + purpose);
    }
    return rank;
  }

  /**
   * Returns the total MPI rank count: {@link #numProcesses()} if set, else processes per host times
   * hosts.
   *
   * @return the rank count, at least 1
   */
  public int totalProcesses() {
    return numProcesses > 0 ? numProcesses : processesPerHost * hosts.size();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Collects the values of a {@link LaunchPlan}; every setter states its default. */
  public static final class Builder {
    private List<String> hosts;
    private String currentHost;
    private String masterHost;
    private int processesPerHost = 1;
    private int numProcesses;
    private String networkInterface = "eth0";
    private String instanceType = "local";
    private String customMpiOptions = "";
    private List<String> forwardedEnvNames = List.of();
    private List<String> credentialEnvNames = List.of();
    private Path hostnameShim;
    private String python = "python3";
    private EntryPoint.Type entryPointType;
    private String entryPoint;
    private List<String> args = List.of();
    private int numGpus;
    private String modelParallelParameters = "";
    private String dlcTorchVersion = "";
    private boolean smddprunInstalled;
    private boolean smddpmprunInstalled;
    private boolean neuronParallelCompile;

    private Builder() {}

    /**
     * Sets the distribution hosts in instance-group order; required.
     *
     * @param hosts for example {@code [algo-1, algo-2]}
     * @return this builder
     */
    public Builder hosts(List<String> hosts) {
      this.hosts = hosts;
      return this;
    }

    /**
     * Sets the host this toolkit runs on; required.
     *
     * @param currentHost for example {@code algo-2}
     * @return this builder
     */
    public Builder currentHost(String currentHost) {
      this.currentHost = currentHost;
      return this;
    }

    /**
     * Sets the master host; defaults to the first of the hosts, as the Python toolkit elects it.
     *
     * @param masterHost for example {@code algo-1}
     * @return this builder
     */
    public Builder masterHost(String masterHost) {
      this.masterHost = masterHost;
      return this;
    }

    /**
     * Sets the processes per host; defaults to 1 (the caller passes the GPU or Neuron core count).
     *
     * @param processesPerHost at least 1
     * @return this builder
     */
    public Builder processesPerHost(int processesPerHost) {
      this.processesPerHost = processesPerHost;
      return this;
    }

    /**
     * Sets the total MPI rank count ({@code sagemaker_mpi_num_processes}); defaults to 0, meaning
     * processes per host times hosts.
     *
     * @param numProcesses 0 or more
     * @return this builder
     */
    public Builder numProcesses(int numProcesses) {
      this.numProcesses = numProcesses;
      return this;
    }

    /**
     * Sets the network interface; defaults to {@code eth0}, resourceconfig's default.
     *
     * @param networkInterface for example {@code ethwe}
     * @return this builder
     */
    public Builder networkInterface(String networkInterface) {
      this.networkInterface = networkInterface;
      return this;
    }

    /**
     * Sets the instance type; defaults to {@code local}, what the environment reports without one.
     *
     * @param instanceType for example {@code ml.p4d.24xlarge}
     * @return this builder
     */
    public Builder instanceType(String instanceType) {
      this.instanceType = instanceType;
      return this;
    }

    /**
     * Sets the raw custom MPI options; defaults to "".
     *
     * @param customMpiOptions for example {@code --NCCL_DEBUG WARN -x FOO=1}
     * @return this builder
     */
    public Builder customMpiOptions(String customMpiOptions) {
      this.customMpiOptions = customMpiOptions;
      return this;
    }

    /**
     * Sets the variable names mpirun forwards with {@code -x}, in order; defaults to none.
     *
     * @param forwardedEnvNames the SM_* names, PYTHONPATH and the like
     * @return this builder
     */
    public Builder forwardedEnvNames(List<String> forwardedEnvNames) {
      this.forwardedEnvNames = forwardedEnvNames;
      return this;
    }

    /**
     * Sets the AWS credential variable names to forward; defaults to none.
     *
     * @param credentialEnvNames names from {@link #AWS_CREDENTIAL_ENV_NAMES}
     * @return this builder
     */
    public Builder credentialEnvNames(List<String> credentialEnvNames) {
      this.credentialEnvNames = credentialEnvNames;
      return this;
    }

    /**
     * Sets the credential names to those of {@link #AWS_CREDENTIAL_ENV_NAMES} present in an
     * environment, in that order.
     *
     * @param environment the toolkit's environment
     * @return this builder
     */
    public Builder credentialEnvNamesFrom(Map<String, String> environment) {
      List<String> present = new ArrayList<>();
      for (String name : AWS_CREDENTIAL_ENV_NAMES) {
        if (environment.containsKey(name)) {
          present.add(name);
        }
      }
      this.credentialEnvNames = present;
      return this;
    }

    /**
     * Sets the path of the hostname shim; no default, and the MPI and SMDDP builders require it.
     *
     * @param hostnameShim the absolute path of {@code libsmtkhostname.so}
     * @return this builder
     */
    public Builder hostnameShim(Path hostnameShim) {
      this.hostnameShim = hostnameShim;
      return this;
    }

    /**
     * Sets the Python interpreter; defaults to the program named python3, looked up on the path.
     *
     * @param python for example {@code /usr/bin/python3}
     * @return this builder
     */
    public Builder python(String python) {
      this.python = python;
      return this;
    }

    /**
     * Sets the entry point and its type; required.
     *
     * @param entryPointType how to start it
     * @param entryPoint for example {@code train.py}
     * @return this builder
     */
    public Builder entryPoint(EntryPoint.Type entryPointType, String entryPoint) {
      this.entryPointType = entryPointType;
      this.entryPoint = entryPoint;
      return this;
    }

    /**
     * Sets the user's arguments; defaults to none.
     *
     * @param args for example {@code [--lr, 0.01]}
     * @return this builder
     */
    public Builder args(List<String> args) {
      this.args = args;
      return this;
    }

    /**
     * Sets this host's GPU count; defaults to 0.
     *
     * @param numGpus 0 or more
     * @return this builder
     */
    public Builder numGpus(int numGpus) {
      this.numGpus = numGpus;
      return this;
    }

    /**
     * Sets {@code SM_HP_MP_PARAMETERS}; defaults to "" (model parallelism off).
     *
     * @param modelParallelParameters the JSON text
     * @return this builder
     */
    public Builder modelParallelParameters(String modelParallelParameters) {
      this.modelParallelParameters = modelParallelParameters;
      return this;
    }

    /**
     * Sets {@code SM_DLC_TORCH_VERSION}; defaults to "".
     *
     * @param dlcTorchVersion for example {@code 2.0.0}
     * @return this builder
     */
    public Builder dlcTorchVersion(String dlcTorchVersion) {
      this.dlcTorchVersion = dlcTorchVersion;
      return this;
    }

    /**
     * Sets whether {@code smddprun} is installed; defaults to false.
     *
     * @param smddprunInstalled the answer of {@code which smddprun}
     * @return this builder
     */
    public Builder smddprunInstalled(boolean smddprunInstalled) {
      this.smddprunInstalled = smddprunInstalled;
      return this;
    }

    /**
     * Sets whether {@code smddpmprun} is installed; defaults to false.
     *
     * @param smddpmprunInstalled the answer of {@code which smddpmprun}
     * @return this builder
     */
    public Builder smddpmprunInstalled(boolean smddpmprunInstalled) {
      this.smddpmprunInstalled = smddpmprunInstalled;
      return this;
    }

    /**
     * Sets whether torchrun is wrapped in {@code neuron_parallel_compile}; defaults to false.
     *
     * @param neuronParallelCompile whether {@code RUN_NEURON_PARALLEL_COMPILE} is "1"
     * @return this builder
     */
    public Builder neuronParallelCompile(boolean neuronParallelCompile) {
      this.neuronParallelCompile = neuronParallelCompile;
      return this;
    }

    /**
     * Builds the plan.
     *
     * @return the validated, immutable plan
     * @throws NullPointerException if hosts, the current host or the entry point are missing
     * @throws IllegalArgumentException if a value is out of range
     */
    public LaunchPlan build() {
      Objects.requireNonNull(hosts, "hosts");
      String master = masterHost != null ? masterHost : hosts.isEmpty() ? null : hosts.get(0);
      return new LaunchPlan(
          hosts,
          currentHost,
          master == null ? "" : master,
          processesPerHost,
          numProcesses,
          networkInterface,
          instanceType,
          customMpiOptions,
          forwardedEnvNames,
          credentialEnvNames,
          hostnameShim,
          python,
          entryPointType,
          entryPoint,
          args,
          numGpus,
          modelParallelParameters,
          dlcTorchVersion,
          smddprunInstalled,
          smddpmprunInstalled,
          neuronParallelCompile);
    }
  }
}
