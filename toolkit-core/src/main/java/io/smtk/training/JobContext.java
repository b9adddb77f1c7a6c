package io.smtk.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smtk.ToolkitException;
import io.smtk.code.ArchiveExtractor;
import io.smtk.code.CodeFetcher;
import io.smtk.code.CodeInstaller;
import io.smtk.code.PythonInterpreter;
import io.smtk.code.SubmitDirectory;
import io.smtk.contract.Redaction;
import io.smtk.contract.ScriptContract;
import io.smtk.contract.ScriptContract.Contract;
import io.smtk.distributed.DistributedRunners;
import io.smtk.distributed.cluster.HostNames;
import io.smtk.distributed.cluster.JobProcesses;
import io.smtk.environment.InvalidTrainingConfigException;
import io.smtk.environment.ToolkitSettings;
import io.smtk.environment.TrainingEnvironment;
import io.smtk.framework.Job;
import io.smtk.framework.RunnerType;
import io.smtk.framework.Service;
import io.smtk.framework.TrainingContext;
import io.smtk.launch.ChildEnvironment;
import io.smtk.launch.EntryPoint;
import io.smtk.launch.UserLaunch;
import io.smtk.logging.ToolkitLog;
import io.smtk.outcome.ExecuteUserScriptException;
import io.smtk.process.CommandLine;
import io.smtk.process.LineTransformer;
import io.smtk.process.ProcessResult;
import io.smtk.process.ProcessRunner;
import io.smtk.process.ProcessSpec;
import io.smtk.process.ServiceProcess;
import io.smtk.process.SignalForwarder;
import io.smtk.process.TrainingStoppedException;
import io.smtk.python.PythonJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One job's {@link TrainingContext}: runs pip and the user's entry point with the job's contract.
 */
final class JobContext implements TrainingContext, AutoCloseable {

  /**
   * How much of a command a launch failure shows: enough to recognise it, not to bury the cause.
   */
  private static final int SHOWN_COMMAND_LIMIT = 2000;

  private final TrainingEnvironment environment;
  private final ToolkitSettings settings;
  private final ToolkitLog log;
  private final PrintStream out;
  private final PrintStream err;
  private final CodeFetcher remoteCode;
  private final ArchiveExtractor extractor;
  private final SignalForwarder signals;
  private final ProcessRunner runner;
  private final List<ServiceProcess> services;
  private final Redaction redaction;
  private Contract contract;

  JobContext(
      TrainingEnvironment environment,
      ToolkitSettings settings,
      ToolkitLog log,
      PrintStream out,
      PrintStream err,
      CodeFetcher remoteCode,
      ArchiveExtractor extractor,
      SignalForwarder signals,
      Redaction redaction) {
    this.environment = environment;
    this.settings = settings;
    this.log = log;
    this.out = out;
    this.err = err;
    this.remoteCode = remoteCode;
    this.extractor = extractor;
    this.signals = signals;
    this.runner = ProcessRunner.create(signals);
    this.services = new CopyOnWriteArrayList<>();
    this.redaction = redaction;
  }

  private JobContext(JobContext job, TrainingEnvironment changed) {
    this.environment = changed;
    this.settings = job.settings;
    this.log = job.log;
    this.out = job.out;
    this.err = job.err;
    this.remoteCode = job.remoteCode;
    this.extractor = job.extractor;
    this.signals = job.signals;
    this.runner = job.runner;
    this.services = job.services;
    this.redaction = job.redaction;
  }

  @Override
  public TrainingContext withHyperparameter(String name, String value) {
    ObjectNode hyperparameters = environment.hyperparameters();
    hyperparameters.put(name, value);
    return new JobContext(this, environment.withHyperparameters(hyperparameters));
  }

  @Override
  public String python() throws ToolkitException {
    return PythonInterpreter.find(settings);
  }

  @Override
  public String resolve(String host) throws ToolkitException {
    return HostNames.resolve(host, settings.dnsTimeout(), log, signals);
  }

  @Override
  public void checkStopped() throws ToolkitException {
    stopIfAsked();
  }

  @Override
  public Service startService(String name, List<String> command, Map<String, String> extraVariables)
      throws ToolkitException {
    signals.checkStopped("before starting the " + name);
    Map<String, String> variables =
        ChildEnvironment.on(settings.variables())
            .toolkitVariables(contract())
            .variables(extraVariables)
            .build()
            .environment();
    ServiceProcess service;
    try {
      service = ServiceProcess.start(name, command, variables, environment.codeDir(), signals);
    } catch (IOException e) {
      throw new ToolkitException(
          "Cannot start the " + name + ": " + e.getMessage() + shownCommand(command), e);
    }
    services.add(service);
    log.info("Started " + name + " (pid " + service.pid() + "): " + CommandLine.render(command));
    Duration grace = settings.stopGrace();
    return new Service() {
      @Override
      public String name() {
        return service.name();
      }

      @Override
      public long pid() {
        return service.pid();
      }

      @Override
      public boolean isAlive() {
        return service.isAlive();
      }

      @Override
      public void stop() throws ToolkitException {
        try {
          service.stop(grace);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ToolkitException("Interrupted while stopping the " + name, e);
        }
      }
    };
  }

  @Override
  public Job job() {
    return FrameworkJobs.of(environment);
  }

  /**
   * Returns the job's training environment.
   *
   * @return the environment
   */
  TrainingEnvironment environment() {
    return environment;
  }

  /**
   * Returns the toolkit's settings.
   *
   * @return the settings
   */
  ToolkitSettings settings() {
    return settings;
  }

  /**
   * Returns how secret hyperparameter values are hidden in what the toolkit shows.
   *
   * @return the redaction
   */
  Redaction redaction() {
    return redaction;
  }

  @Override
  public ToolkitLog log() {
    return log;
  }

  @Override
  public void runUserEntryPoint(RunnerType runner, Map<String, String> extraVariables)
      throws ToolkitException {
    runEntryPoint(EntryPointRequest.ofJob(runner, extraVariables));
  }

  /**
   * Fetches and installs the code and runs the entry point as the request says (the job's own, or
   * what the Python API's {@code entry_point.run} asked for), and waits for the job to end on this
   * host.
   *
   * @param request what to run and how
   * @throws ToolkitException when the code cannot be installed, the job fails or is stopped
   */
  void runEntryPoint(EntryPointRequest request) throws ToolkitException {
    TrainingEnvironment jobEnvironment = request.applyTo(environment);
    Contract contract = ScriptContract.render(jobEnvironment);
    UserLaunch launch = prepare(jobEnvironment, contract, request);
    if (request.runner() == RunnerType.PROCESS) {
      List<String> command = launch.plainCommand();
      logInvocation(contract, launch.userVariables(), command);
      ProcessResult result = runJobProcess(command, launch.codeDir(), launch.environment(), null);
      if (result.exitCode() != 0) {
        throw new ExecuteUserScriptException(command, result.exitCode(), result.errorText());
      }
      return;
    }
    JobProcesses processes =
        new JobProcesses() {
          @Override
          public ProcessResult run(
              List<String> command,
              Path workingDirectory,
              Map<String, String> variables,
              LineTransformer lineTransformer)
              throws ToolkitException {
            return runJobProcess(command, workingDirectory, variables, lineTransformer);
          }

          @Override
          public void checkStopped() throws TrainingStoppedException {
            stopIfAsked();
          }
        };
    DistributedRunners.run(request.runner(), jobEnvironment, settings, log, launch, processes);
  }

  /**
   * Fetches the code into the code directory and installs what the entry point needs (the Python
   * API's {@code entry_point.install}).
   *
   * @param name the entry point's name
   * @param uri where the code comes from, or null for the job's submit directory
   * @throws ToolkitException when the code cannot be fetched or installed
   */
  void install(String name, String uri) throws ToolkitException {
    Path codeDir = environment.codeDir();
    SubmitDirectory.of(remoteCode, extractor, log, signals)
        .provision(uri == null ? environment.moduleDir() : uri, codeDir);
    stopIfAsked();
    EntryPoint entryPoint = EntryPoint.of(name, codeDir);
    String python =
        entryPoint.type() == EntryPoint.Type.COMMAND ? null : PythonInterpreter.find(settings);
    CodeInstaller.of(this::runInstallCommand, log).install(entryPoint, codeDir, python);
    stopIfAsked();
  }

  /**
   * Runs a process of the job that is not the user's entry point (a Python framework module), with
   * its output, error capture and stop handling.
   *
   * @param command the command
   * @param workingDirectory its working directory
   * @param variables its whole environment
   * @return how it ended
   * @throws ToolkitException when it cannot be started or the job was stopped
   */
  ProcessResult runFrameworkProcess(
      List<String> command, Path workingDirectory, Map<String, String> variables)
      throws ToolkitException {
    return runJobProcess(command, workingDirectory, variables, null);
  }

  /**
   * Returns the environment of a Python framework module: the toolkit's, with the user contract and
   * smtk's Python package on {@code PYTHONPATH} (but not the code directory, as in the reference).
   *
   * @return the environment
   */
  Map<String, String> frameworkEnvironment() {
    return ChildEnvironment.on(settings.variables())
        .toolkitVariables(contract())
        .contract(contract())
        .pythonPath(null)
        .build()
        .environment();
  }

  /** The job's contract, rendered once per context. */
  private Contract contract() {
    Contract rendered = contract;
    if (rendered == null) {
      rendered = ScriptContract.render(environment);
      contract = rendered;
    }
    return rendered;
  }

  /** Fetches and installs the user's code and builds the environment its processes get. */
  private UserLaunch prepare(
      TrainingEnvironment jobEnvironment, Contract contract, EntryPointRequest request)
      throws ToolkitException {
    Optional<String> requested = request.userEntryPoint();
    String name =
        requested.isPresent() ? requested.get() : jobEnvironment.userEntryPoint().orElse(null);
    if (name == null) {
      throw new InvalidTrainingConfigException(
          "No entry point: set the SAGEMAKER_PROGRAM environment variable or the "
              + "sagemaker_program hyperparameter in "
              + jobEnvironment.inputConfigDir().resolve("hyperparameters.json"));
    }
    Path codeDir = jobEnvironment.codeDir();
    SubmitDirectory.of(remoteCode, extractor, log, signals)
        .provision(request.uri().orElse(jobEnvironment.moduleDir()), codeDir);
    stopIfAsked();

    EntryPoint entryPoint = EntryPoint.of(name, codeDir);
    String python =
        entryPoint.type() == EntryPoint.Type.COMMAND ? null : PythonInterpreter.find(settings);
    CodeInstaller.of(this::runInstallCommand, log).install(entryPoint, codeDir, python);
    stopIfAsked();

    if (settings.studioLocalMode()) {
      log.info("Bypass DNS check in case of Studio Local Mode execution.");
    } else {
      HostNames.await(jobEnvironment.hosts(), settings.dnsTimeout(), log, signals);
    }
    ChildEnvironment child =
        ChildEnvironment.on(request.baseEnvironment().orElse(settings.variables()))
            .toolkitVariables(contract)
            .contract(contract)
            .pythonPath(codeDir)
            .variables(request.extraVariables())
            .forUserProcess()
            .build();
    List<String> arguments =
        request.arguments().isEmpty() ? contract.arguments() : request.arguments();
    return new UserLaunch(
        entryPoint, python, codeDir, arguments, child.added(), child.environment());
  }

  /**
   * Throws when SIGTERM or SIGINT arrived while no user process was running.
   *
   * @throws TrainingStoppedException when the toolkit was asked to stop
   */
  void stopIfAsked() throws TrainingStoppedException {
    signals.checkStopped("");
  }

  private ProcessResult runInstallCommand(List<String> command, Path workingDirectory)
      throws ToolkitException {
    Map<String, String> variables =
        ChildEnvironment.on(settings.variables())
            .toolkitVariables(contract())
            .build()
            .environment();
    return runJobProcess(command, workingDirectory, variables, null);
  }

  /**
   * Runs one process of the job; a stop request ends it and turns into {@link
   * TrainingStoppedException}.
   */
  private ProcessResult runJobProcess(
      List<String> command,
      Path workingDirectory,
      Map<String, String> variables,
      LineTransformer lineTransformer)
      throws ToolkitException {
    ProcessResult result = run(command, workingDirectory, variables, lineTransformer);
    if (result.stoppedByToolkit()) {
      throw new TrainingStoppedException(
          result.stopSignal(),
          CommandLine.render(command) + " exited with code " + result.exitCode());
    }
    return result;
  }

  private ProcessResult run(
      List<String> command,
      Path workingDirectory,
      Map<String, String> variables,
      LineTransformer lineTransformer)
      throws ToolkitException {
    ProcessSpec.Builder builder =
        ProcessSpec.builder(command, variables)
            .workingDirectory(workingDirectory)
            .stdout(out)
            .stderr(err)
            .stopGrace(settings.stopGrace());
    if (lineTransformer != null) {
      builder.lineTransformer(lineTransformer);
    }
    ProcessSpec spec = builder.build();
    try {
      return runner.run(spec);
    } catch (IOException e) {
      // The cause first: a command line can be long enough (E2BIG) to push it out of sight.
      throw new ToolkitException(
          "Cannot start "
              + (command.isEmpty() ? "a process" : command.get(0))
              + ": "
              + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage())
              + shownCommand(command),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolkitException("Interrupted while running " + CommandLine.render(command), e);
    }
  }

  /** The command for a launch failure's message, after its cause and cut short. */
  private static String shownCommand(List<String> command) {
    String line = CommandLine.render(command);
    return "; command: "
        + (line.length() <= SHOWN_COMMAND_LIMIT
            ? line
            : line.substring(0, SHOWN_COMMAND_LIMIT)
                + "… ("
                + line.length()
                + " characters in "
                + command.size()
                + " arguments)");
  }

  private void logInvocation(
      Contract contract, Map<String, String> variables, List<String> command) {
    if (!log.isEnabled(ToolkitLog.Level.INFO)) {
      return;
    }
    StringBuilder text = new StringBuilder("Invoking user script\n\nTraining Env:\n\n");
    // Compact JSON: the Python toolkit indents it, but a JSON pretty printer is start-up cost we
    // skip.
    text.append(PythonJson.dumps(contract.trainingEnv()));
    text.append("\n\nEnvironment variables:\n\n");
    for (Map.Entry<String, String> variable : variables.entrySet()) {
      text.append(variable.getKey()).append('=').append(variable.getValue()).append('\n');
    }
    text.append("\nInvoking script with the following command:\n\n")
        .append(CommandLine.render(command))
        .append('\n');
    log.info(text.toString());
  }

  @Override
  public void close() {
    for (ServiceProcess service : services) {
      try {
        if (service.isAlive()) {
          log.info("Stopping " + service.name() + " (pid " + service.pid() + ")");
        }
        service.stop(settings.stopGrace());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    services.clear();
  }
}
