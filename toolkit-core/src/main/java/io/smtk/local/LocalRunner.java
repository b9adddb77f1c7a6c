package io.smtk.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smtk.ToolkitException;
import io.smtk.code.PythonInterpreter;
import io.smtk.environment.ToolkitSettings;
import io.smtk.process.ProcessResult;
import io.smtk.process.ProcessRunner;
import io.smtk.process.ProcessSpec;
import io.smtk.process.Signal;
import io.smtk.process.SignalForwarder;
import io.smtk.s3.S3Clients;
import io.smtk.s3.S3PrefixDownloader;
import io.smtk.s3.S3Settings;
import io.smtk.s3.S3Uri;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Runs a {@link LocalJob} on this machine: lays out a fresh SageMaker job tree per host in a
 * private temporary folder, runs every host (the toolkit as a separate process, or the image in a
 * container), streams their logs with a host prefix, packs each host's model and output into the
 * output folder and removes the trees.
 *
 * <p>A stop signal (Ctrl-C, SIGTERM) reaches every host as SIGTERM through the {@link
 * SignalForwarder}; the hosts' toolkits pass it on to the user's processes with their grace period,
 * and whatever the hosts wrote by then is still packed.
 */
public final class LocalRunner {

  /** The prefix of {@code smtk local}'s own lines, aligned with the hosts' {@code algo-1 | }. */
  static final String SELF = "smtk   | ";

  /** The group name SageMaker writes for a cluster of one instance group. */
  static final String GROUP = "homogeneousCluster";

  private static final String TOOLKIT_MAIN = "io.smtk.cli.Main";

  /** The toolkit setting that picks torchrun or the toolkit's own rank launcher. */
  static final String TORCH_LAUNCHER = "SMTK_TORCH_LAUNCHER";

  private final ToolkitSettings settings;
  private final PrintWriter out;
  private final PrintWriter err;
  private final SignalForwarder signals;
  private final ProcessRunner runner;
  private final List<String> toolkitCommand;
  private final FileOwner owner;
  private final ContainerEngine engine;
  private final Consumer<String> log;

  private LocalRunner(Builder builder) {
    this.settings = builder.settings;
    this.out = builder.out;
    this.err = builder.err;
    this.signals = builder.signals;
    this.runner = ProcessRunner.create(signals);
    this.toolkitCommand = builder.toolkitCommand;
    this.owner = builder.owner;
    this.engine = builder.engine;
    this.log =
        line -> {
          err.println(SELF + line);
          err.flush();
        };
  }

  /**
   * Starts a runner for the given environment and output.
   *
   * @param settings the invoking environment (the hosts inherit it in process mode)
   * @param out receives the hosts' standard output and the final summary
   * @param err receives the hosts' standard error and progress lines
   * @return the builder
   */
  public static Builder builder(ToolkitSettings settings, PrintWriter out, PrintWriter err) {
    return new Builder(settings, out, err);
  }

  /**
   * Runs the job to its end.
   *
   * @param job the job
   * @return the job's exit status: 0 on success, the first failed host's status, or 128 + N when
   *     stopped by signal N
   * @throws LocalJobException for bad input found before anything ran (exit status 2), or when the
   *     job tree or the archives cannot be written (exit status 1)
   */
  public int run(LocalJob job) throws LocalJobException {
    Map<String, String> hostAdditions = new LinkedHashMap<>();
    AwsCredentials credentials = null;
    if (job.image().isPresent()) {
      checkImage(job);
      credentials = AwsCredentials.find(settings, log).orElse(null);
      log.accept(
          credentials == null
              ? "AWS credentials: none found (environment, AWS_PROFILE, ~/.aws); the containers get none"
              : "AWS credentials for the containers: from " + credentials.source());
    } else {
      hostAdditions.putAll(checkProcessMode(job));
    }
    Path output = job.output();
    boolean createdOutput = !Files.exists(output);
    try {
      Files.createDirectories(output);
    } catch (IOException e) {
      throw LocalJobException.usage("--output " + output + " cannot be created: " + e.getMessage());
    }
    if (!Files.isWritable(output)) {
      throw LocalJobException.usage("--output " + output + " is not writable");
    }
    Path root;
    try {
      root =
          Files.createTempDirectory(
              "smtk-local-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw LocalJobException.failed("cannot create a temporary job folder: " + e.getMessage(), e);
    }
    String network = null;
    try {
      log.accept(
          "Training job "
              + job.jobName()
              + ": "
              + job.instanceCount()
              + (job.instanceCount() == 1 ? " host" : " hosts")
              + ", "
              + job.image()
                  .map(image -> engine.name() + " container mode, image " + image)
                  .orElse("process mode (no container engine)")
              + ", framework "
              + job.framework().cliName()
              + ", distribution "
              + job.distribution().cliName());
      warnings(job).forEach(warning -> log.accept("Warning: " + warning));
      Map<String, Path> channelSources = new LinkedHashMap<>(job.channels());
      channelSources.putAll(downloadS3Channels(job, root));
      Map<String, Path> trees = new LinkedHashMap<>();
      for (String host : job.hosts()) {
        if (signals.receivedSignal().isPresent()) {
          break;
        }
        trees.put(host, layOut(job, channelSources, root, host));
      }
      OptionalInt early = signals.receivedSignal();
      if (early.isPresent()) {
        log.accept("Stopped before the job started; nothing to pack");
        return Signal.exitCode(early.getAsInt());
      }
      if (job.image().isPresent() && job.instanceCount() > 1) {
        network = ContainerEngine.networkName(job);
        if (!ContainerEngine.succeeds(engine.networkCommands(network).get(0))) {
          throw LocalJobException.failed(
              "cannot create the " + engine.name() + " network " + network, null);
        }
      }
      Map<String, HostResult> results = runHosts(job, trees, network, hostAdditions, credentials);
      if (job.image().isPresent()) {
        reclaim(job, trees);
      }
      return finish(job, trees, results, createdOutput);
    } catch (IOException e) {
      throw LocalJobException.failed("local job failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw LocalJobException.failed("interrupted", e);
    } finally {
      if (network != null) {
        try {
          ContainerEngine.succeeds(engine.networkCommands(network).get(1));
        } catch (IOException | InterruptedException e) {
          log.accept("Cannot remove the network " + network + ": " + e.getMessage());
        }
      }
      try {
        LocalFiles.delete(root);
      } catch (IOException e) {
        log.accept(
            "Cannot remove the job folder "
                + root
                + " ("
                + e.getMessage()
                + "); please remove it by hand");
      }
    }
  }

  /**
   * Makes sure the image is in the engine's store, pulling it when it is not (as SageMaker's SDK
   * does), with the engine's progress lines shown.
   */
  private void checkImage(LocalJob job) throws LocalJobException {
    String image = job.image().orElseThrow();
    if (engine == null) {
      throw LocalJobException.usage(
          "--image " + image + " needs podman or docker, and neither is on PATH");
    }
    try {
      if (ContainerEngine.succeeds(engine.imageExistsCommand(image))) {
        return;
      }
      log.accept(
          "Image "
              + image
              + " is not in "
              + engine.name()
              + ": pulling it ("
              + String.join(" ", engine.pullCommand(image))
              + ")");
      List<String> lines = new ArrayList<>();
      int status =
          ContainerEngine.stream(
              engine.pullCommand(image),
              settings.variables(),
              line -> {
                lines.add(line);
                log.accept("  " + line);
              });
      if (status != 0) {
        String last = lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
        throw LocalJobException.usage(
            "--image "
                + image
                + " is not in "
                + engine.name()
                + " and '"
                + String.join(" ", engine.pullCommand(image))
                + "' failed (exit status "
                + status
                + "): "
                + last
                + (image.contains(".dkr.ecr.")
                    ? "; log in to ECR first: aws ecr get-login-password | "
                        + engine.name()
                        + " login --username AWS --password-stdin "
                        + image.substring(0, image.indexOf('/'))
                    : "; build it, or check the name and your registry login"));
      }
      log.accept("Pulled " + image);
    } catch (IOException e) {
      throw LocalJobException.usage(
          "--image " + image + ": cannot run " + engine.executable() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw LocalJobException.failed("interrupted", e);
    }
  }

  /** Downloads each {@code s3://} channel once, into the job's private folder. */
  private Map<String, Path> downloadS3Channels(LocalJob job, Path root) throws LocalJobException {
    Map<String, Path> downloaded = new LinkedHashMap<>();
    if (job.s3Channels().isEmpty()) {
      return downloaded;
    }
    try (S3Clients clients =
        S3Clients.create(S3Settings.fromEnvironment(settings.variables()), log)) {
      for (Map.Entry<String, String> channel : job.s3Channels().entrySet()) {
        Path target = root.resolve(".s3-channels").resolve(channel.getKey());
        log.accept("Downloading channel " + channel.getKey() + " from " + channel.getValue());
        S3PrefixDownloader.create(clients, log).download(S3Uri.parse(channel.getValue()), target);
        downloaded.put(channel.getKey(), target);
      }
    } catch (ToolkitException | IllegalArgumentException e) {
      throw LocalJobException.failed("channel download failed: " + e.getMessage(), e);
    }
    return downloaded;
  }

  /** Writes one host's tree as SageMaker lays out {@code /opt/ml}. */
  private Path layOut(LocalJob job, Map<String, Path> channelSources, Path root, String host)
      throws IOException {
    Path tree = root.resolve(host);
    for (String dir : List.of("input/config", "input/data", "model", "output/data", "code")) {
      Files.createDirectories(tree.resolve(dir));
    }
    Path config = tree.resolve("input/config");
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    mapper.writeValue(config.resolve("hyperparameters.json").toFile(), hyperparameters(job, tree));
    mapper.writeValue(config.resolve("resourceconfig.json").toFile(), resourceConfig(job, host));
    mapper.writeValue(config.resolve("inputdataconfig.json").toFile(), inputDataConfig(job));
    for (Map.Entry<String, Path> channel : channelSources.entrySet()) {
      LocalFiles.copy(
          channel.getValue(),
          tree.resolve("input/data").resolve(channel.getKey()),
          log,
          host + ": channel " + channel.getKey() + " from " + channel.getValue());
    }
    if (job.sourceDir().isPresent()) {
      LocalFiles.copy(
          job.sourceDir().get(),
          tree.resolve("code"),
          log,
          host + ": code from " + job.sourceDir().get());
    }
    return tree;
  }

  /**
   * Returns {@code hyperparameters.json}: the user's values, the distribution's flags and the SDK's
   * reserved names, every value JSON-encoded into a string.
   */
  static ObjectNode hyperparameters(LocalJob job, Path tree) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    job.hyperparameters().forEach((key, value) -> node.put(key, Hyperparameters.encode(value)));
    // The distribution's flags are defaults: a user's own sagemaker_mpi_custom_mpi_options (or
    // processes per host) is what the job runs with, as with the SDK's distribution={...} dict.
    job.distribution()
        .hyperparameters(0)
        .forEach(
            (key, value) -> {
              if (!node.has(key)) {
                node.put(key, Hyperparameters.encode(value));
              }
            });
    job.entryPoint()
        .ifPresent(entry -> node.put("sagemaker_program", Hyperparameters.encode((Object) entry)));
    if (job.sourceDir().isPresent()) {
      // The SDK's local mode points this at the mounted code; in process mode that is the tree's.
      String code =
          job.image().isPresent() ? ContainerEngine.ML + "/code" : tree.resolve("code").toString();
      node.put("sagemaker_submit_directory", Hyperparameters.encode((Object) code));
    }
    node.put(Hyperparameters.LOG_LEVEL, Hyperparameters.encode((Object) job.logLevel()));
    node.put("sagemaker_job_name", Hyperparameters.encode((Object) job.jobName()));
    node.put("sagemaker_region", Hyperparameters.encode((Object) job.region()));
    return node;
  }

  /** Returns {@code resourceconfig.json} as SageMaker writes it for {@code host}. */
  static ObjectNode resourceConfig(LocalJob job, String host) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    ObjectNode node = nodes.objectNode();
    node.put("current_host", host);
    node.put("current_instance_type", job.instanceType());
    node.put("current_group_name", GROUP);
    ArrayNode hosts = node.putArray("hosts");
    job.hosts().forEach(hosts::add);
    ObjectNode group = node.putArray("instance_groups").addObject();
    group.put("instance_group_name", GROUP);
    group.put("instance_type", job.instanceType());
    ArrayNode groupHosts = group.putArray("hosts");
    job.hosts().forEach(groupHosts::add);
    // Plain processes talk over the loopback interface; containers have eth0 as on SageMaker.
    node.put("network_interface_name", job.image().isPresent() ? "eth0" : "lo");
    return node;
  }

  /** Returns {@code inputdataconfig.json}: every channel fully replicated in File mode. */
  static ObjectNode inputDataConfig(LocalJob job) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    for (String channel : job.channelNames()) {
      ObjectNode config = node.putObject(channel);
      config.put("TrainingInputMode", "File");
      config.put("S3DistributionType", "FullyReplicated");
      config.put("RecordWrapperType", "None");
    }
    return node;
  }

  /**
   * Returns the environment of a host's toolkit process: the invoking environment without the
   * SageMaker variables of another job, plus this job's.
   */
  Map<String, String> processEnvironment(LocalJob job, Path tree, Map<String, String> additions) {
    Map<String, String> env = new LinkedHashMap<>();
    settings
        .variables()
        .forEach(
            (key, value) -> {
              if (!key.startsWith("SAGEMAKER_")
                  && !key.startsWith("SM_")
                  && !key.equals("TRAINING_JOB_NAME")
                  && !key.equals("CURRENT_HOST")) {
                env.put(key, value);
              }
            });
    env.put("SAGEMAKER_BASE_DIR", tree.toString());
    // Hosts are processes on this machine: their names do not resolve, so skip the toolkit's wait.
    env.put("SM_STUDIO_LOCAL_MODE", "true");
    env.put("TRAINING_JOB_NAME", job.jobName());
    env.put("AWS_REGION", job.region());
    // The framework images set this, and prefixed logs should arrive as they are written.
    env.putIfAbsent("PYTHONUNBUFFERED", "TRUE");
    job.framework()
        .trainingModule()
        .ifPresent(module -> env.put("SAGEMAKER_TRAINING_MODULE", module));
    env.putAll(additions);
    env.putAll(job.environment());
    // The one rule for the interpreter, in both modes: --python, else SMTK_PYTHON, else python3 on
    // the
    // PATH of where the toolkit runs; the host's own toolkit applies the last two.
    job.python().ifPresent(python -> env.put("SMTK_PYTHON", python));
    return env;
  }

  /**
   * Checks a process-mode job before anything is written: the interpreter the hosts will use
   * imports the framework's module, and torch distributed jobs avoid a torchrun known to be broken.
   *
   * @return variables to add to every host's environment
   */
  private Map<String, String> checkProcessMode(LocalJob job) throws LocalJobException {
    // What every host's toolkit will see (the job tree is not laid out yet and plays no part here);
    // a bad
    // SMTK_* value from --env fails now, with exit status 2, rather than on every host.
    Map<String, String> hostEnvironment = processEnvironment(job, Path.of("/"), Map.of());
    ToolkitSettings hostSettings;
    try {
      hostSettings = ToolkitSettings.from(hostEnvironment);
    } catch (ToolkitException e) {
      throw LocalJobException.usage(e.getMessage());
    }
    if (job.framework() == Framework.NONE) {
      return Map.of();
    }
    // torchrun is started by the PyTorch entry only; script mode never runs it.
    boolean torchrun =
        job.framework() == Framework.PYTORCH
            && job.distribution() == Distribution.TORCH_DISTRIBUTED
            && !hostEnvironment.containsKey(TORCH_LAUNCHER);
    String python;
    try {
      python = PythonInterpreter.find(hostSettings);
    } catch (ToolkitException e) {
      throw LocalJobException.usage(e.getMessage() + " (or name one with --python)");
    }
    FrameworkPreflight.check(job.framework(), python, hostEnvironment);
    if (torchrun) {
      Optional<String> broken = FrameworkPreflight.brokenTorchrun(python, hostEnvironment);
      if (broken.isPresent()) {
        log.accept(
            "torchrun of "
                + broken.get()
                + " fails at start (AttributeError in"
                + " torch.distributed.elastic): the hosts start the ranks themselves with RANK, WORLD_SIZE and"
                + " MASTER_ADDR ("
                + TORCH_LAUNCHER
                + "=env); --env "
                + TORCH_LAUNCHER
                + "=torchrun uses torchrun anyway");
        return Map.of(TORCH_LAUNCHER, "env");
      }
    }
    return Map.of();
  }

  /**
   * Returns what {@code smtk local} warns about before the job starts.
   *
   * @param job the job
   * @return one sentence per warning; empty when there is nothing to say
   */
  static List<String> warnings(LocalJob job) {
    List<String> warnings = new ArrayList<>();
    if (job.instanceCount() > 1 && job.distribution() == Distribution.NONE) {
      warnings.add(
          "--instance-count "
              + job.instanceCount()
              + " without --distribution: every host runs "
              + job.entryPoint().orElse("the entry point")
              + " on its own, as SageMaker does; a script that"
              + " waits for its peers (torch.distributed env://, Horovod, MPI) without setting up the group itself"
              + " waits forever, so pick a --distribution (mpi, torch_distributed, parameter_server, ...)");
    }
    List<Framework> frameworks = job.distribution().frameworks();
    if (!frameworks.isEmpty()
        && !frameworks.contains(job.framework())
        && (job.framework() != Framework.NONE || job.image().isEmpty())) {
      warnings.add(
          "--distribution "
              + job.distribution().cliName()
              + " is launched by the "
              + frameworks.stream()
                  .map(Framework::cliName)
                  .collect(java.util.stream.Collectors.joining(" or "))
              + " framework entry (--framework "
              + frameworks.get(0).cliName()
              + "), not by "
              + (job.framework() == Framework.NONE
                  ? "BYOC script mode, which runs only MPI itself"
                  : "--framework " + job.framework().cliName())
              + ": every host runs "
              + job.entryPoint().orElse("the entry point")
              + " once");
    }
    return warnings;
  }

  /** Returns the variables passed into a host's container with {@code -e}. */
  static Map<String, String> containerEnvironment(LocalJob job) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TRAINING_JOB_NAME", job.jobName());
    env.put("AWS_REGION", job.region());
    job.framework()
        .trainingModule()
        .ifPresent(module -> env.put("SAGEMAKER_TRAINING_MODULE", module));
    env.putAll(job.environment());
    job.python().ifPresent(python -> env.put("SMTK_PYTHON", python));
    return env;
  }

  /**
   * Returns the environment of the engine's {@code run} command: the invoking environment and the
   * AWS credentials, which the command line names without their values ({@code -e
   * AWS_ACCESS_KEY_ID}).
   *
   * @param credentials the credentials, or null for none
   * @return the variables
   */
  Map<String, String> engineEnvironment(AwsCredentials credentials) {
    Map<String, String> env = new LinkedHashMap<>(settings.variables());
    if (credentials != null) {
      env.putAll(credentials.variables());
    }
    return env;
  }

  /** How one host ended. */
  private record HostResult(int exitCode, String error) {}

  private Map<String, HostResult> runHosts(
      LocalJob job,
      Map<String, Path> trees,
      String network,
      Map<String, String> hostAdditions,
      AwsCredentials credentials)
      throws InterruptedException, IOException {
    Map<String, String> addresses = Map.of();
    if (network != null && !engine.subnetCommand(network).isEmpty()) {
      addresses =
          ContainerEngine.addresses(
              ContainerEngine.output(engine.subnetCommand(network)), job.hosts());
    }
    // One stream per direction for all hosts: the runner locks the stdout stream around each line,
    // so lines of different hosts never mix.
    OutputStream stdout = new WriterStream(out);
    OutputStream stderr = new WriterStream(err);
    Map<String, HostResult> results = new java.util.concurrent.ConcurrentHashMap<>();
    List<Thread> threads = new ArrayList<>();
    for (Map.Entry<String, Path> entry : trees.entrySet()) {
      String host = entry.getKey();
      Path tree = entry.getValue();
      List<String> command =
          job.image().isPresent()
              ? engine.runCommand(
                  job,
                  host,
                  tree,
                  network,
                  addresses,
                  containerEnvironment(job),
                  credentials == null
                      ? List.of()
                      : credentials.variables().keySet().stream().sorted().toList())
              : toolkitCommand;
      Map<String, String> env =
          job.image().isPresent()
              ? engineEnvironment(credentials)
              : processEnvironment(job, tree, hostAdditions);
      ProcessSpec spec =
          ProcessSpec.builder(command, env)
              .workingDirectory(tree)
              .stdout(stdout)
              .stderr(stderr)
              .lineTransformer(new HostPrefix(host))
              .stopGrace(job.stopGrace())
              .build();
      Thread thread =
          new Thread(
              () -> {
                try {
                  ProcessResult result = runner.run(spec);
                  results.put(host, new HostResult(result.exitCode(), result.errorText()));
                } catch (IOException e) {
                  results.put(host, new HostResult(1, "cannot run the host: " + e.getMessage()));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  results.put(host, new HostResult(1, "interrupted"));
                } finally {
                  if (job.image().isPresent()) {
                    // A killed "podman run" leaves its container running; --rm does not apply then.
                    try {
                      ContainerEngine.succeeds(engine.removeCommand(job, host));
                    } catch (IOException | InterruptedException e) {
                      log.accept("Cannot remove the container of " + host + ": " + e.getMessage());
                    }
                  }
                }
              },
              "smtk-local-" + host);
      threads.add(thread);
      thread.start();
    }
    Thread stopper = job.image().isPresent() ? startContainerStopper(job, threads) : null;
    for (Thread thread : threads) {
      thread.join();
    }
    if (stopper != null) {
      stopper.interrupt();
    }
    return results;
  }

  /**
   * Stops the containers with the engine when a stop signal arrives: the signal the runner sends to
   * {@code podman run} is not reliably passed into the container, {@code podman stop} is.
   */
  private Thread startContainerStopper(LocalJob job, List<Thread> hosts) {
    long grace = Math.max(1, job.stopGrace().toSeconds() - 20);
    Thread stopper =
        new Thread(
            () -> {
              try {
                while (signals.receivedSignal().isEmpty()) {
                  if (hosts.stream().noneMatch(Thread::isAlive)) {
                    return;
                  }
                  Thread.sleep(200);
                }
                log.accept("Stopping the containers (SIGTERM, SIGKILL after " + grace + " s)");
                for (String host : job.hosts()) {
                  ContainerEngine.succeeds(engine.stopCommand(job, host, grace));
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (IOException e) {
                log.accept("Cannot stop the containers: " + e.getMessage());
              }
            },
            "smtk-local-container-stopper");
    stopper.setDaemon(true);
    stopper.start();
    return stopper;
  }

  /** Hands the trees back to this user when a container wrote into them as a different root. */
  private void reclaim(LocalJob job, Map<String, Path> trees)
      throws IOException, InterruptedException {
    Path first = trees.values().iterator().next();
    int uid = LocalFiles.uidOf(first.getParent());
    if (uid == 0) {
      return; // root can read and remove whatever the container wrote
    }
    int gid = (Integer) Files.getAttribute(first.getParent(), "unix:gid");
    for (Path tree : trees.values()) {
      if (!ContainerEngine.succeeds(engine.chownCommand(job, tree, uid, gid))) {
        log.accept("Cannot hand " + tree + " back to uid " + uid + "; some files may stay behind");
      }
    }
  }

  private int finish(
      LocalJob job, Map<String, Path> trees, Map<String, HostResult> results, boolean createdOutput)
      throws IOException, LocalJobException {
    Path output = job.output();
    OptionalInt stopped = signals.receivedSignal();
    removeStale(output);
    List<Path> written = new ArrayList<>();
    boolean leader = true;
    for (Map.Entry<String, Path> entry : trees.entrySet()) {
      String host = entry.getKey();
      Path tree = entry.getValue();
      Path model = output.resolve(leader ? "model.tar.gz" : "model-" + host + ".tar.gz");
      // Every host keeps its own model (SageMaker's local mode lets the last writer win); the
      // leader's
      // is model.tar.gz, and workers that saved nothing add no archive.
      if (leader || LocalFiles.size(tree.resolve("model")).files() > 0) {
        Archives.pack(
            tree.resolve("model"),
            model,
            log,
            "Packing " + host + " model into " + model.getFileName());
        written.add(model);
      }
      Path outputArchive = output.resolve(leader ? "output.tar.gz" : "output-" + host + ".tar.gz");
      Archives.pack(
          tree.resolve("output"),
          outputArchive,
          log,
          "Packing " + host + " output into " + outputArchive.getFileName());
      written.add(outputArchive);
      leader = false;
    }

    StringBuilder failures = new StringBuilder();
    int exitCode = 0;
    for (Map.Entry<String, Path> entry : trees.entrySet()) {
      HostResult result = results.getOrDefault(entry.getKey(), new HostResult(1, "did not run"));
      if (result.exitCode() == 0) {
        continue;
      }
      if (exitCode == 0) {
        exitCode = result.exitCode();
      }
      String reason = failureReason(entry.getValue(), result);
      if (failures.length() > 0) {
        failures.append('\n');
      }
      failures
          .append(entry.getKey())
          .append(" (exit status ")
          .append(result.exitCode())
          .append("):\n")
          .append(reason.strip())
          .append('\n');
    }
    if (stopped.isPresent()) {
      exitCode = Signal.exitCode(stopped.getAsInt());
    }
    if (failures.length() > 0) {
      Path failure = output.resolve("failure");
      Path partial = Files.createTempFile(output, ".failure.", ".partial");
      Files.writeString(partial, failures, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(
          partial, failure, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      written.add(failure);
    }
    if (owner != null) {
      if (createdOutput) {
        LocalFiles.chown(output, owner);
      }
      for (Path file : written) {
        LocalFiles.chown(file, owner);
      }
    }

    if (exitCode == 0) {
      out.println("Training job " + job.jobName() + " completed.");
    } else {
      err.println(
          "Training job "
              + job.jobName()
              + (stopped.isPresent() ? " was stopped" : " failed")
              + " (exit status "
              + exitCode
              + "):");
      err.print(failures);
      err.flush();
      out.println("Failure reason: " + output.resolve("failure"));
    }
    out.println("Model: " + output.resolve("model.tar.gz"));
    out.println("Output: " + output.resolve("output.tar.gz"));
    out.flush();
    return exitCode;
  }

  private static String failureReason(Path tree, HostResult result) throws IOException {
    Path failure = tree.resolve("output/failure");
    if (Files.isRegularFile(failure)) {
      return Files.readString(failure, StandardCharsets.UTF_8);
    }
    return result.error().isBlank()
        ? "exited without writing output/failure"
        : "exited without writing output/failure; its last output:\n" + result.error();
  }

  /** Removes what an earlier run left that this run may not overwrite (other hosts, a failure). */
  private static void removeStale(Path output) throws IOException {
    try (DirectoryStream<Path> stale =
        Files.newDirectoryStream(output, "{model-algo-*.tar.gz,output-algo-*.tar.gz,failure}")) {
      for (Path file : stale) {
        Files.deleteIfExists(file);
      }
    }
  }

  /**
   * Returns the command that runs the toolkit in this JVM's class path: no rebuild, and the same
   * start-up flags (class-data sharing archive included) as {@code bin/smtk}.
   *
   * @return {@code java [flags] -cp <class path> io.smtk.cli.Main train}
   */
  static List<String> currentToolkitCommand() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String[] arguments = ProcessHandle.current().info().arguments().orElse(new String[0]);
    for (String argument : arguments) {
      if (argument.equals("-cp") || argument.equals("-classpath") || !argument.startsWith("-")) {
        break;
      }
      if ((argument.startsWith("-XX:")
              || argument.startsWith("-Xshare")
              || argument.startsWith("-Xlog"))
          && !argument.startsWith("-XX:ArchiveClassesAtExit")) {
        command.add(argument);
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(TOOLKIT_MAIN);
    command.add("train");
    return List.copyOf(command);
  }

  /** Builds a {@link LocalRunner}. */
  public static final class Builder {
    private final ToolkitSettings settings;
    private final PrintWriter out;
    private final PrintWriter err;
    private SignalForwarder signals = SignalForwarder.global();
    private List<String> toolkitCommand;
    private FileOwner owner;
    private ContainerEngine engine;
    private boolean engineSet;

    private Builder(ToolkitSettings settings, PrintWriter out, PrintWriter err) {
      this.settings = Objects.requireNonNull(settings, "settings");
      this.out = Objects.requireNonNull(out, "out");
      this.err = Objects.requireNonNull(err, "err");
    }

    /**
     * Sets the signal forwarder that stops the hosts; default the JVM's (installed by the caller).
     *
     * @param signals the forwarder
     * @return this
     */
    public Builder signals(SignalForwarder signals) {
      this.signals = Objects.requireNonNull(signals, "signals");
      return this;
    }

    /**
     * Sets the command that runs one host's toolkit in process mode; default this JVM's class path
     * running {@code io.smtk.cli.Main train}.
     *
     * @param toolkitCommand the command
     * @return this
     */
    public Builder toolkitCommand(List<String> toolkitCommand) {
      this.toolkitCommand = List.copyOf(toolkitCommand);
      return this;
    }

    /**
     * Sets who the archives are handed to; default nobody (they belong to this process's user).
     *
     * @param owner the owner, or null
     * @return this
     */
    public Builder owner(FileOwner owner) {
      this.owner = owner;
      return this;
    }

    /**
     * Sets the container engine; default {@code podman}, else {@code docker}, from {@code PATH}.
     *
     * @param engine the engine, or null for none
     * @return this
     */
    public Builder engine(ContainerEngine engine) {
      this.engine = engine;
      this.engineSet = true;
      return this;
    }

    /**
     * Builds the runner.
     *
     * @return the runner
     */
    public LocalRunner build() {
      if (toolkitCommand == null) {
        toolkitCommand = currentToolkitCommand();
      }
      if (!engineSet) {
        engine = findEngine(settings).orElse(null);
      }
      return new LocalRunner(this);
    }
  }

  /**
   * Finds {@code podman}, else {@code docker}, on {@code PATH}.
   *
   * @param settings the environment
   * @return the engine, or empty
   */
  public static Optional<ContainerEngine> findEngine(ToolkitSettings settings) {
    for (String name : List.of("podman", "docker")) {
      Optional<Path> path = settings.which(name);
      if (path.isPresent()) {
        return Optional.of(new ContainerEngine(name, path.get()));
      }
    }
    return Optional.empty();
  }
}
