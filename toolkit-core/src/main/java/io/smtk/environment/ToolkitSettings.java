package io.smtk.environment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The toolkit's view of its own process environment: every environment variable the toolkit reads
 * is read here and nowhere else.
 *
 * <p>The CLI captures {@code System.getenv()} once and hands it to {@link #from(Map)}; tests build
 * settings from a plain map. The raw map is kept, because the user's process inherits it.
 */
public final class ToolkitSettings {

  /** The SageMaker base directory when {@code SAGEMAKER_BASE_DIR} is not set. */
  public static final Path DEFAULT_BASE_DIR = Path.of("/opt/ml");

  /** How long a stopped user process may take to exit after SIGTERM before it is killed. */
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(30);

  /** How long to wait for every host name to resolve, as the Python toolkit does. */
  public static final Duration DEFAULT_DNS_TIMEOUT = Duration.ofMinutes(15);

  /** How long the MPI master waits for every worker to come up and accept SSH. */
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(10);

  /** How long a host of a distributed job may stay silent before the others give up on it. */
  public static final Duration DEFAULT_PEER_TIMEOUT = Duration.ofSeconds(30);

  /** The TCP port of the MPI master's job control channel (outside Linux's ephemeral range). */
  public static final int DEFAULT_CONTROL_PORT = 7591;

  /**
   * The most bytes an archive of user code may unpack to: far above any real source tree (models
   * shipped with the code included), far below what fills an instance's volume with a tar bomb.
   */
  public static final long DEFAULT_MAX_UNPACKED_BYTES = 20L << 30;

  /** The variable that holds a multi-host job's shared secret (see docs/DECISIONS.md). */
  public static final String JOB_SECRET_VARIABLE = "SMTK_JOB_SECRET";

  /** The variable that sets the unpacked-size limit of code archives. */
  public static final String MAX_UNPACKED_BYTES_VARIABLE = "SMTK_MAX_UNPACKED_BYTES";

  /** The variable that adds name fragments to those whose hyperparameters are redacted. */
  public static final String REDACT_NAMES_VARIABLE = "SMTK_REDACT_NAMES";

  /** Where images install the hostname shim. */
  public static final Path DEFAULT_HOSTNAME_SHIM = Path.of("/opt/smtk/lib/libsmtkhostname.so");

  /**
   * Every {@code SMTK_*} variable read here, in the order docs/ENVIRONMENT.md lists them (a test
   * there fails when a variable is read without its entry).
   */
  private static final List<String> VARIABLE_NAMES =
      List.of(
          "SMTK_PYTHON",
          "SMTK_STOP_GRACE_SECONDS",
          "SMTK_DNS_TIMEOUT_SECONDS",
          "SMTK_HOSTNAME_SHIM",
          "SMTK_SSH_CONFIG",
          "SMTK_CONTROL_PORT",
          "SMTK_STARTUP_TIMEOUT_SECONDS",
          "SMTK_PEER_TIMEOUT_SECONDS",
          "SMTK_TORCH_LAUNCHER",
          JOB_SECRET_VARIABLE,
          "SMTK_REQUIRE_JOB_SECRET",
          MAX_UNPACKED_BYTES_VARIABLE,
          REDACT_NAMES_VARIABLE);

  /** How torch distributed ranks are started: {@code torchrun} or {@code env}. */
  public enum TorchLauncher {
    /**
     * {@code torchrun} from PATH, else {@code python -m torch.distributed.run}, as the reference.
     */
    TORCHRUN,
    /**
     * The toolkit starts the ranks itself with {@code RANK}, {@code WORLD_SIZE}, {@code
     * MASTER_ADDR}, {@code MASTER_PORT} and {@code LOCAL_RANK}, for torch builds whose torchrun is
     * broken (torch 1.13 on Python 3.11).
     */
    ENV
  }

  private final Map<String, String> variables;
  private final Duration stopGrace;
  private final Duration dnsTimeout;
  private final Duration startupTimeout;
  private final Duration peerTimeout;
  private final int controlPort;
  private final TorchLauncher torchLauncher;
  private final long maxUnpackedBytes;
  private final boolean requireJobSecret;

  private ToolkitSettings(Map<String, String> variables) throws InvalidTrainingConfigException {
    // LinkedHashMap keeps the order the process saw, which keeps logs and child environments
    // stable.
    this.variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    this.stopGrace = seconds("SMTK_STOP_GRACE_SECONDS", DEFAULT_STOP_GRACE);
    this.dnsTimeout = seconds("SMTK_DNS_TIMEOUT_SECONDS", DEFAULT_DNS_TIMEOUT);
    this.startupTimeout = seconds("SMTK_STARTUP_TIMEOUT_SECONDS", DEFAULT_STARTUP_TIMEOUT);
    this.peerTimeout = seconds("SMTK_PEER_TIMEOUT_SECONDS", DEFAULT_PEER_TIMEOUT);
    this.controlPort = port("SMTK_CONTROL_PORT", DEFAULT_CONTROL_PORT);
    this.torchLauncher = torchLauncher("SMTK_TORCH_LAUNCHER");
    this.maxUnpackedBytes = bytes(MAX_UNPACKED_BYTES_VARIABLE, DEFAULT_MAX_UNPACKED_BYTES);
    this.requireJobSecret = flag("SMTK_REQUIRE_JOB_SECRET");
  }

  /**
   * Creates settings from a process environment.
   *
   * @param environment the variables, usually {@code System.getenv()}
   * @return the settings
   * @throws InvalidTrainingConfigException when a toolkit variable has a value it cannot use
   */
  public static ToolkitSettings from(Map<String, String> environment)
      throws InvalidTrainingConfigException {
    return new ToolkitSettings(environment);
  }

  /**
   * Returns the names of the toolkit's own settings, the {@code SMTK_*} variables it reads.
   *
   * @return the names, e.g. {@code SMTK_PYTHON}
   */
  public static List<String> variableNames() {
    return VARIABLE_NAMES;
  }

  /**
   * Returns the whole environment the toolkit started with, which the user's process inherits.
   *
   * @return an unmodifiable map
   */
  public Map<String, String> variables() {
    return variables;
  }

  /**
   * Returns a variable's value when it is set (even to the empty string).
   *
   * @param name the variable's name
   * @return the value, or empty when unset
   */
  public Optional<String> get(String name) {
    return Optional.ofNullable(variables.get(name));
  }

  // Plain code, not Optional.filter with a lambda: these run on every job's start-up path, where
  // linking a lambda costs ~0.15 ms (docs/DECISIONS.md, "Start-up and S3 fixed costs").
  private Optional<String> nonBlank(String name) {
    String value = variables.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }

  private Optional<String> nonEmpty(String name) {
    String value = variables.get(name);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  private Optional<Path> nonBlankPath(String name) {
    String value = variables.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
  }

  /**
   * Returns the SageMaker base directory: {@code SAGEMAKER_BASE_DIR}, else {@code /opt/ml}.
   *
   * @return an absolute path
   */
  public Path baseDir() {
    String value = variables.get("SAGEMAKER_BASE_DIR");
    return (value == null || value.isEmpty() ? DEFAULT_BASE_DIR : Path.of(value)).toAbsolutePath();
  }

  /**
   * Returns whether a base directory was configured explicitly ({@code SAGEMAKER_BASE_DIR}).
   *
   * @return true when the variable is set and non-empty
   */
  public boolean baseDirConfigured() {
    String value = variables.get("SAGEMAKER_BASE_DIR");
    return value != null && !value.isEmpty();
  }

  /**
   * Returns {@code SAGEMAKER_PROGRAM}, the entry point that wins over the {@code sagemaker_program}
   * hyperparameter.
   *
   * @return the program, or empty when unset
   */
  public Optional<String> program() {
    return get("SAGEMAKER_PROGRAM");
  }

  /**
   * Returns {@code SAGEMAKER_TRAINING_MODULE}, the framework entry; empty or unset means script
   * mode.
   *
   * @return the entry name, or empty
   */
  public Optional<String> trainingModule() {
    return nonBlank("SAGEMAKER_TRAINING_MODULE");
  }

  /**
   * Returns {@code TRAINING_JOB_NAME}, set by the platform.
   *
   * @return the job name, or empty
   */
  public Optional<String> trainingJobName() {
    return get("TRAINING_JOB_NAME");
  }

  /**
   * Returns whether {@code SM_STUDIO_LOCAL_MODE} is {@code true} (any case), which skips the wait
   * for host names to resolve.
   *
   * @return true in Studio local mode
   */
  public boolean studioLocalMode() {
    return "true".equalsIgnoreCase(variables.get("SM_STUDIO_LOCAL_MODE"));
  }

  /**
   * Returns the default AWS region as boto3 finds it without a configuration file: {@code
   * AWS_DEFAULT_REGION}.
   *
   * @return the region, or empty
   */
  public Optional<String> defaultRegion() {
    return nonEmpty("AWS_DEFAULT_REGION");
  }

  /**
   * Returns {@code SM_HP_MP_PARAMETERS}, whose presence marks model parallelism.
   *
   * @return the raw value, or empty when unset
   */
  public Optional<String> modelParallelParameters() {
    return get(ModelParallel.VARIABLE);
  }

  /**
   * Returns {@code PATH}, where the toolkit looks for {@code python3}, {@code nvidia-smi} and the
   * like.
   *
   * @return the search path, possibly empty
   */
  public String path() {
    return variables.getOrDefault("PATH", "");
  }

  /**
   * Returns {@code SMTK_PYTHON}, the interpreter to use instead of {@code python3} from {@code
   * PATH}.
   *
   * @return the interpreter, or empty
   */
  public Optional<String> python() {
    return nonBlank("SMTK_PYTHON");
  }

  /**
   * Returns the user and group ids of the user who ran the toolkit through {@code sudo} ({@code
   * SUDO_UID} and {@code SUDO_GID}), to whom {@code smtk local} hands its archives.
   *
   * @return the uid and gid, or empty when not run through sudo or when either is not a number
   */
  public Optional<int[]> sudoUser() {
    try {
      Optional<String> uid = nonBlank("SUDO_UID");
      Optional<String> gid = nonBlank("SUDO_GID");
      if (uid.isEmpty() || gid.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          new int[] {Integer.parseInt(uid.get().trim()), Integer.parseInt(gid.get().trim())});
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Returns {@code SMTK_STOP_GRACE_SECONDS}: how long the user's process has to exit after SIGTERM.
   *
   * @return the grace period
   */
  public Duration stopGrace() {
    return stopGrace;
  }

  /**
   * Returns {@code SMTK_DNS_TIMEOUT_SECONDS}: how long to wait for every host name to resolve.
   *
   * @return the timeout
   */
  public Duration dnsTimeout() {
    return dnsTimeout;
  }

  /**
   * Returns {@code SMTK_STARTUP_TIMEOUT_SECONDS}: how long the hosts of a distributed job wait for
   * each other to come up (the master for every worker's SSH, a worker for the master).
   *
   * @return the timeout, 10 minutes by default
   */
  public Duration startupTimeout() {
    return startupTimeout;
  }

  /**
   * Returns {@code SMTK_PEER_TIMEOUT_SECONDS}: how long a host of a running distributed job may be
   * silent (no heartbeat, port unreachable) before the others fail the job.
   *
   * @return the timeout, 30 seconds by default
   */
  public Duration peerTimeout() {
    return peerTimeout;
  }

  /**
   * Returns {@code SMTK_CONTROL_PORT}: the TCP port the MPI master listens on for its workers.
   *
   * @return the port, {@value #DEFAULT_CONTROL_PORT} by default
   */
  public int controlPort() {
    return controlPort;
  }

  /**
   * Returns {@code SMTK_HOSTNAME_SHIM}: the {@code libsmtkhostname.so} the MPI runners preload.
   *
   * @return the path, or empty when unset (the runner then looks in the usual places)
   */
  public Optional<Path> hostnameShim() {
    return nonBlankPath("SMTK_HOSTNAME_SHIM");
  }

  /**
   * Returns {@code SMTK_SSH_CONFIG}: an SSH client config for mpirun to use instead of the one the
   * MPI master generates (the hosts' sshd and keys are then managed by someone else).
   *
   * @return the config file, or empty when unset
   */
  public Optional<Path> sshConfig() {
    return nonBlankPath("SMTK_SSH_CONFIG");
  }

  /**
   * Returns {@code SMTK_TORCH_LAUNCHER}: {@code torchrun} (the default) or {@code env}.
   *
   * @return the launcher
   */
  public TorchLauncher torchLauncher() {
    return torchLauncher;
  }

  /**
   * Returns {@code SMTK_JOB_SECRET}: the secret every host of a multi-host job shares, from which
   * the control channel's key is derived (docs/DECISIONS.md, "The job control channel").
   *
   * @return the secret, or empty when unset or blank
   */
  public Optional<String> jobSecret() {
    return nonBlank(JOB_SECRET_VARIABLE);
  }

  /**
   * Returns {@code SMTK_REQUIRE_JOB_SECRET}: whether a multi-host job refuses to start without
   * {@code SMTK_JOB_SECRET}.
   *
   * @return true when set to true, 1 or yes
   */
  public boolean requireJobSecret() {
    return requireJobSecret;
  }

  /**
   * Returns {@code SMTK_MAX_UNPACKED_BYTES}: the most bytes the user's code archive may unpack to
   * (a number of bytes, or with a K, M, G or T suffix for binary multiples).
   *
   * @return the limit, {@link #DEFAULT_MAX_UNPACKED_BYTES} by default
   */
  public long maxUnpackedBytes() {
    return maxUnpackedBytes;
  }

  /**
   * Returns {@code SMTK_REDACT_NAMES}: comma-separated fragments of hyperparameter names whose
   * values are shown as {@code ****}, on top of the built-in ones.
   *
   * @return the fragments, lower case, possibly empty
   */
  public List<String> redactNames() {
    List<String> names = new ArrayList<>();
    for (String name : get(REDACT_NAMES_VARIABLE).orElse("").split(",", -1)) {
      if (!name.isBlank()) {
        names.add(name.strip().toLowerCase(Locale.ROOT));
      }
    }
    return List.copyOf(names);
  }

  /**
   * Finds an executable file by name on {@code PATH}, as {@code which} does.
   *
   * @param name the program's name
   * @return its path, or empty when not found
   */
  public Optional<Path> which(String name) {
    if (name.contains("/")) {
      Path path = Path.of(name);
      return Files.isExecutable(path) && !Files.isDirectory(path)
          ? Optional.of(path)
          : Optional.empty();
    }
    for (String dir : path().split(":", -1)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private int port(String name, int fallback) throws InvalidTrainingConfigException {
    String value = variables.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int port = Integer.parseInt(value.trim());
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new InvalidTrainingConfigException(
          "Environment variable " + name + "='" + value + "' is not a TCP port (1-65535)");
    }
  }

  private boolean flag(String name) throws InvalidTrainingConfigException {
    String value = variables.get(name);
    if (value == null || value.isBlank()) {
      return false;
    }
    switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> {
        return true;
      }
      case "false", "0", "no" -> {
        return false;
      }
      default ->
          throw new InvalidTrainingConfigException(
              "Environment variable " + name + "='" + value + "' must be true or false");
    }
  }

  private long bytes(String name, long fallback) throws InvalidTrainingConfigException {
    String value = variables.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    String text = value.strip().toUpperCase(Locale.ROOT);
    int shift = 0;
    char unit = text.charAt(text.length() - 1);
    if ("KMGT".indexOf(unit) >= 0) {
      shift = 10 * ("KMGT".indexOf(unit) + 1);
      text = text.substring(0, text.length() - 1).strip();
    }
    try {
      long number = Long.parseLong(text);
      if (number < 0 || number > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException();
      }
      return number << shift;
    } catch (NumberFormatException e) {
      throw new InvalidTrainingConfigException(
          "Environment variable "
              + name
              + "='"
              + value
              + "' is not a number of bytes (e.g. 1048576, 512M or 20G)");
    }
  }

  private TorchLauncher torchLauncher(String name) throws InvalidTrainingConfigException {
    String value = variables.get(name);
    if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("torchrun")) {
      return TorchLauncher.TORCHRUN;
    }
    if (value.trim().equalsIgnoreCase("env")) {
      return TorchLauncher.ENV;
    }
    throw new InvalidTrainingConfigException(
        "Environment variable " + name + "='" + value + "' must be 'torchrun' or 'env'");
  }

  private Duration seconds(String name, Duration fallback) throws InvalidTrainingConfigException {
    String value = variables.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      double seconds = Double.parseDouble(value.trim());
      if (seconds < 0 || Double.isNaN(seconds) || Double.isInfinite(seconds)) {
        throw new NumberFormatException();
      }
      return Duration.ofMillis((long) (seconds * 1000));
    } catch (NumberFormatException e) {
      throw new InvalidTrainingConfigException(
          "Environment variable " + name + "='" + value + "' is not a number of seconds");
    }
  }
}
