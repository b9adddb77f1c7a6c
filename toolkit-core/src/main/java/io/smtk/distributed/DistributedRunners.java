package io.smtk.distributed;

import io.smtk.ToolkitException;
import io.smtk.distributed.cluster.JobProcesses;
import io.smtk.distributed.cluster.LaunchConfigurationException;
import io.smtk.distributed.cluster.LaunchPlan;
import io.smtk.distributed.control.ChannelKey;
import io.smtk.distributed.mpi.MpiRunner;
import io.smtk.distributed.torch.PyTorchXlaRunner;
import io.smtk.distributed.torch.TorchRunner;
import io.smtk.environment.FrameworkParameters;
import io.smtk.environment.InvalidTrainingConfigException;
import io.smtk.environment.ModelParallel;
import io.smtk.environment.ToolkitSettings;
import io.smtk.environment.TrainingEnvironment;
import io.smtk.framework.RunnerType;
import io.smtk.launch.UserLaunch;
import io.smtk.logging.ToolkitLog;
import io.smtk.python.PythonJson;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs the user's entry point with a distributed runner (MPI, SMDDP, torchrun, PyTorch XLA) on this
 * host.
 */
public final class DistributedRunners {

  /** Where the hostname shim lies in a checkout, relative to the checkout's root. */
  static final String CHECKOUT_SHIM = "images/target/image/root/opt/smtk/lib/libsmtkhostname.so";

  private DistributedRunners() {}

  /**
   * Runs the job's part on this host and returns when the whole job has ended here.
   *
   * @param runner the runner
   * @param environment the training environment
   * @param settings the toolkit's settings
   * @param log the toolkit's log
   * @param launch the installed entry point and its environment
   * @param processes runs the job's processes
   * @throws ToolkitException when the job fails on any host or cannot be launched
   */
  public static void run(
      RunnerType runner,
      TrainingEnvironment environment,
      ToolkitSettings settings,
      ToolkitLog log,
      UserLaunch launch,
      JobProcesses processes)
      throws ToolkitException {
    switch (runner) {
      case MPI, SMDDP ->
          new MpiRunner(
                  plan(runner, environment, settings, log, launch),
                  runner == RunnerType.SMDDP,
                  settings,
                  log,
                  launch,
                  processes,
                  channelKey(environment, settings))
              .run();
      case TORCH_DISTRIBUTED ->
          new TorchRunner(
                  plan(runner, environment, settings, log, launch),
                  settings,
                  log,
                  launch,
                  processes)
              .run();
      case PYTORCH_XLA ->
          PyTorchXlaRunner.run(
              plan(runner, environment, settings, log, launch), log, launch, processes);
      default ->
          throw new LaunchConfigurationException(
              "The " + runner + " runner is not a distributed runner");
    }
  }

  /**
   * Builds the launch plan of a runner from the job, as {@code runner.get} of the Python toolkit:
   * the distribution hosts and their master, processes per host from {@code
   * sagemaker_mpi_num_of_processes_per_host} (else GPUs, else Neuron cores, else 1), and the
   * runner's custom MPI options and instance type.
   *
   * @param runner the runner
   * @param environment the training environment
   * @param settings the toolkit's settings
   * @param log the toolkit's log (a missing hostname shim is warned about)
   * @param launch the installed entry point
   * @return the plan
   * @throws LaunchConfigurationException if a launcher hyperparameter is invalid
   */
  static LaunchPlan plan(
      RunnerType runner,
      TrainingEnvironment environment,
      ToolkitSettings settings,
      ToolkitLog log,
      UserLaunch launch)
      throws LaunchConfigurationException, InvalidTrainingConfigException {
    var params = environment.frameworkParameters();
    int processesPerHost =
        RunnerSelection.processesPerHost(
            params,
            RunnerSelection.defaultProcessesPerHost(
                environment.numGpus(), environment.numNeurons()));
    boolean smddp = runner == RunnerType.SMDDP;
    String instanceType = environment.currentInstanceType();
    if (smddp) {
      String type = params.get(FrameworkParameters.INSTANCE_TYPE);
      if (!type.isEmpty()) {
        instanceType = type;
      }
    }
    List<String> hosts =
        environment.distributionHosts().isEmpty()
            ? environment.hosts()
            : environment.distributionHosts();
    Path shim = null;
    if (runner == RunnerType.MPI || runner == RunnerType.SMDDP) {
      shim = hostnameShim(settings, codeSource()).orElse(null);
      if (shim == null) {
        log.warning(
            "The hostname shim libsmtkhostname.so was not found (SMTK_HOSTNAME_SHIM, "
                + ToolkitSettings.DEFAULT_HOSTNAME_SHIM
                + ", "
                + CHECKOUT_SHIM
                + " of the checkout); ranks will see the machine's own host name instead of "
                + environment.currentHost());
      }
    }
    return LaunchPlan.builder()
        .hosts(hosts)
        .currentHost(environment.currentHost())
        .masterHost(environment.masterHostname())
        .processesPerHost(processesPerHost)
        .numProcesses(smddp ? 0 : RunnerSelection.numProcesses(params))
        .networkInterface(environment.networkInterfaceName())
        .instanceType(instanceType)
        .customMpiOptions(
            params.get(
                smddp
                    ? FrameworkParameters.SMDDP_CUSTOM_OPTIONS
                    : FrameworkParameters.MPI_CUSTOM_OPTIONS))
        .forwardedEnvNames(new ArrayList<>(launch.userVariables().keySet()))
        .credentialEnvNamesFrom(settings.variables())
        .hostnameShim(shim)
        .python(launch.python() == null ? "python3" : launch.python())
        .entryPoint(launch.entryPoint().type(), launch.entryPoint().name())
        .args(launch.arguments())
        .numGpus(environment.numGpus())
        // What the ranks see: the exported contract (mp_parameters, the framework's
        // SM_DLC_TORCH_VERSION)
        // over the inherited environment, as the reference's runner reads os.environ after
        // exporting.
        .modelParallelParameters(launch.environment().getOrDefault(ModelParallel.VARIABLE, ""))
        .dlcTorchVersion(launch.environment().getOrDefault("SM_DLC_TORCH_VERSION", ""))
        .smddprunInstalled(environment.isSmddprunInstalled())
        .smddpmprunInstalled(environment.isSmddpmprunInstalled())
        .neuronParallelCompile("1".equals(settings.get("RUN_NEURON_PARALLEL_COMPILE").orElse("")))
        .build();
  }

  /**
   * Finds the hostname shim: {@code SMTK_HOSTNAME_SHIM} if set (even if missing, so a wrong setting
   * shows), else the image's {@link ToolkitSettings#DEFAULT_HOSTNAME_SHIM}, else the checkout's
   * build output next to the toolkit's jar ({@code bin/smtk} runs from a checkout).
   *
   * @param settings the toolkit's settings
   * @param codeSource where the toolkit's classes were loaded from, or null
   * @return the shim, or empty when there is none
   */
  static Optional<Path> hostnameShim(ToolkitSettings settings, Path codeSource) {
    if (settings.hostnameShim().isPresent()) {
      Path configured = settings.hostnameShim().get().toAbsolutePath();
      return Files.isRegularFile(configured) ? Optional.of(configured) : Optional.empty();
    }
    if (Files.isRegularFile(ToolkitSettings.DEFAULT_HOSTNAME_SHIM)) {
      return Optional.of(ToolkitSettings.DEFAULT_HOSTNAME_SHIM);
    }
    // <checkout>/toolkit-core/target/toolkit-core.jar or <checkout>/toolkit-core/target/classes
    for (Path dir = codeSource; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(CHECKOUT_SHIM);
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the key of the job's control channel, which every host computes alike: from {@code
   * SMTK_JOB_SECRET} when set, else from what SageMaker gives every host of a job alike (the job
   * name, the hosts, the hyperparameters and the input data configuration), which keeps out a host
   * of another job or a peer that does not know this job's configuration (docs/DECISIONS.md).
   *
   * @param environment the training environment
   * @param settings the toolkit's settings
   * @return the key
   * @throws InvalidTrainingConfigException when {@code SMTK_REQUIRE_JOB_SECRET} is set without
   *     {@code SMTK_JOB_SECRET} on a job of several hosts
   */
  public static ChannelKey channelKey(TrainingEnvironment environment, ToolkitSettings settings)
      throws InvalidTrainingConfigException {
    String[] identity = {
      environment.sagemakerJobName(),
      environment.jobName().orElse(""),
      String.join("\n", environment.hosts())
    };
    Optional<String> secret = settings.jobSecret();
    if (secret.isPresent()) {
      return ChannelKey.fromSecret(secret.get(), identity);
    }
    if (settings.requireJobSecret() && environment.hosts().size() > 1) {
      throw new InvalidTrainingConfigException(
          "SMTK_REQUIRE_JOB_SECRET is set, but SMTK_JOB_SECRET is not: a job of several hosts"
              + " needs the same secret on every host (the training job's environment)");
    }
    return ChannelKey.derived(
        identity[0],
        identity[1],
        identity[2],
        PythonJson.dumps(environment.hyperparameters()),
        PythonJson.dumps(environment.inputDataConfig()));
  }

  private static Path codeSource() {
    try {
      var source = DistributedRunners.class.getProtectionDomain().getCodeSource();
      return source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath();
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      return null;
    }
  }
}
