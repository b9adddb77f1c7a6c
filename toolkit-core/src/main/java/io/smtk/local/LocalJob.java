package io.smtk.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A validated local training job: the code, channels, hyperparameters and cluster shape, and where
 * its archives go.
 *
 * <p>{@link Builder#build()} checks everything that can be checked before anything is written, so a
 * bad value fails with one line naming it and leaves the output folder untouched.
 */
public final class LocalJob {

  /** The instance type the SDK's local mode reports. */
  public static final String DEFAULT_INSTANCE_TYPE = "local";

  /** The region written when none is given or configured. */
  public static final String DEFAULT_REGION = "us-east-1";

  private static final Pattern CHANNEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9](-*[A-Za-z0-9])*");
  private static final Pattern VARIABLE_NAME = Pattern.compile("[^=\\s]+");
  private static final Pattern GPU_COUNT = Pattern.compile("[1-9][0-9]{0,3}");

  /** The log level SageMaker's SDK writes when none is given: Python's {@code logging.INFO}. */
  public static final int DEFAULT_LOG_LEVEL = 20;

  /**
   * Variables {@code --env} may not set, with the option that sets each: {@code smtk local} owns
   * them, and a second value would make the job tree or its name disagree with what the hosts see.
   */
  static final Map<String, String> RESERVED_VARIABLES =
      Map.of(
          "SAGEMAKER_BASE_DIR", "smtk local lays out each host's job tree itself",
          "TRAINING_JOB_NAME", "use --job-name",
          "AWS_REGION", "use --region");

  private final Path sourceDir;
  private final String entryPoint;
  private final Map<String, Path> channels;
  private final Map<String, String> s3Channels;
  private final Map<String, JsonNode> hyperparameters;
  private final int instanceCount;
  private final String instanceType;
  private final Distribution distribution;
  private final Framework framework;
  private final Path output;
  private final String image;
  private final String jobName;
  private final String region;
  private final String python;
  private final Duration stopGrace;
  private final Map<String, String> environment;
  private final String gpus;
  private final int logLevel;

  private LocalJob(Builder builder, Path sourceDir, String entryPoint, int logLevel) {
    this.sourceDir = sourceDir;
    this.entryPoint = entryPoint;
    this.channels = Collections.unmodifiableMap(new LinkedHashMap<>(builder.channels));
    this.s3Channels = Collections.unmodifiableMap(new LinkedHashMap<>(builder.s3Channels));
    Map<String, JsonNode> values = new LinkedHashMap<>(builder.hyperparameters);
    // The log level has its own field: it is written once, with SageMaker's reserved names.
    values.remove(Hyperparameters.LOG_LEVEL);
    this.hyperparameters = Collections.unmodifiableMap(values);
    this.instanceCount = builder.instanceCount;
    this.instanceType = builder.instanceType;
    this.distribution = builder.distribution;
    this.framework = builder.framework;
    this.output = builder.output.toAbsolutePath().normalize();
    this.image = builder.image;
    this.jobName = builder.jobName;
    this.region = builder.region;
    this.python = builder.python;
    this.stopGrace = builder.stopGrace;
    this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(builder.environment));
    this.gpus = builder.gpus;
    this.logLevel = logLevel;
  }

  /**
   * Starts a job that writes its archives to {@code output}.
   *
   * @param output the folder for {@code model.tar.gz} and {@code output.tar.gz}
   * @param jobName the training job's name
   * @return the builder
   */
  public static Builder builder(Path output, String jobName) {
    return new Builder(output, jobName);
  }

  /**
   * Returns the folder whose contents become the code directory.
   *
   * @return the folder, if any
   */
  public Optional<Path> sourceDir() {
    return Optional.ofNullable(sourceDir);
  }

  /**
   * Returns the entry point, relative to the source folder.
   *
   * @return the entry point, if any
   */
  public Optional<String> entryPoint() {
    return Optional.ofNullable(entryPoint);
  }

  /**
   * Returns the local channels.
   *
   * @return channel name to local folder or file, in the order given
   */
  public Map<String, Path> channels() {
    return channels;
  }

  /**
   * Returns the S3 channels, downloaded when the job starts.
   *
   * @return channel name to {@code s3://} prefix
   */
  public Map<String, String> s3Channels() {
    return s3Channels;
  }

  /**
   * Returns every channel's name: local ones first, then S3 ones, each in the order given.
   *
   * @return the names
   */
  public java.util.List<String> channelNames() {
    java.util.List<String> names = new java.util.ArrayList<>(channels.keySet());
    names.addAll(s3Channels.keySet());
    return names;
  }

  /**
   * Returns the user's hyperparameters.
   *
   * @return name to value, as natural values
   */
  public Map<String, JsonNode> hyperparameters() {
    return hyperparameters;
  }

  /**
   * Returns the number of hosts.
   *
   * @return the count, 1 or more
   */
  public int instanceCount() {
    return instanceCount;
  }

  /**
   * Returns the instance type written to {@code resourceconfig.json}.
   *
   * @return the instance type
   */
  public String instanceType() {
    return instanceType;
  }

  /**
   * Returns the distribution.
   *
   * @return the distribution
   */
  public Distribution distribution() {
    return distribution;
  }

  /**
   * Returns the framework the job imitates.
   *
   * @return the framework
   */
  public Framework framework() {
    return framework;
  }

  /**
   * Returns the output folder.
   *
   * @return the absolute folder
   */
  public Path output() {
    return output;
  }

  /**
   * Returns the image for container mode.
   *
   * @return the image; empty for process mode
   */
  public Optional<String> image() {
    return Optional.ofNullable(image);
  }

  /**
   * Returns the training job's name.
   *
   * @return the name
   */
  public String jobName() {
    return jobName;
  }

  /**
   * Returns the AWS region written to {@code sagemaker_region} and {@code AWS_REGION}.
   *
   * @return the region
   */
  public String region() {
    return region;
  }

  /**
   * Returns the interpreter given with {@code --python}; without it the host's toolkit chooses by
   * its own rule ({@code SMTK_PYTHON}, else {@code python3} on {@code PATH}), on this machine in
   * process mode and in the image in container mode.
   *
   * @return the interpreter, or empty
   */
  public Optional<String> python() {
    return Optional.ofNullable(python);
  }

  /**
   * Returns the variables given with {@code --env}, which reach every host's toolkit and the user's
   * processes (in container mode through {@code -e}).
   *
   * @return name to value, in the order given
   */
  public Map<String, String> environment() {
    return environment;
  }

  /**
   * Returns the GPUs each container gets: {@code all} or a count.
   *
   * @return the value of {@code --gpus}, or empty for none
   */
  public Optional<String> gpus() {
    return Optional.ofNullable(gpus);
  }

  /**
   * Returns the toolkit's log level as a Python level number, written to {@code
   * sagemaker_container_log_level}.
   *
   * @return e.g. 20 for INFO
   */
  public int logLevel() {
    return logLevel;
  }

  /**
   * Returns how long a stopped host's toolkit may take to exit after SIGTERM.
   *
   * @return the grace period
   */
  public Duration stopGrace() {
    return stopGrace;
  }

  /**
   * Returns the host names SageMaker gives the job's instances.
   *
   * @return {@code algo-1} .. {@code algo-N}
   */
  public java.util.List<String> hosts() {
    java.util.List<String> hosts = new java.util.ArrayList<>();
    for (int i = 1; i <= instanceCount; i++) {
      hosts.add("algo-" + i);
    }
    return hosts;
  }

  /** Builds a {@link LocalJob}. */
  public static final class Builder {
    private final Path output;
    private final String jobName;
    private Path sourceDir;
    private String entryPoint;
    private final Map<String, Path> channels = new LinkedHashMap<>();
    private final Map<String, String> s3Channels = new LinkedHashMap<>();
    private final Map<String, String> rawChannels = new LinkedHashMap<>();
    private final Map<String, JsonNode> hyperparameters = new LinkedHashMap<>();
    private int instanceCount = 1;
    private String instanceType = DEFAULT_INSTANCE_TYPE;
    private Distribution distribution = Distribution.NONE;
    private Framework framework = Framework.NONE;
    private String image;
    private String region = DEFAULT_REGION;
    private String python;
    private Duration stopGrace = Duration.ofSeconds(60);
    private final Map<String, String> environment = new LinkedHashMap<>();
    private String gpus;
    private String logLevel;

    private Builder(Path output, String jobName) {
      this.output = Objects.requireNonNull(output, "output");
      this.jobName = Objects.requireNonNull(jobName, "jobName");
    }

    /**
     * Sets the folder copied into the code directory; default none (the entry point's folder).
     *
     * @param sourceDir the folder, or null
     * @return this
     */
    public Builder sourceDir(Path sourceDir) {
      this.sourceDir = sourceDir;
      return this;
    }

    /**
     * Sets the entry point: a path in the source folder, or a file when there is no source folder;
     * default none (container mode with an image that sets {@code SAGEMAKER_PROGRAM}).
     *
     * @param entryPoint the entry point, or null
     * @return this
     */
    public Builder entryPoint(String entryPoint) {
      this.entryPoint = entryPoint;
      return this;
    }

    /**
     * Adds a channel from a {@code NAME=PATH} item.
     *
     * @param item the option value
     * @return this
     * @throws LocalJobException when the item is malformed or repeats a name
     */
    public Builder channel(String item) throws LocalJobException {
      int equals = item.indexOf('=');
      if (equals <= 0 || equals == item.length() - 1) {
        throw LocalJobException.usage(
            "malformed --channel '" + item + "': expected NAME=PATH, e.g. train=data/train");
      }
      String name = item.substring(0, equals);
      if (!CHANNEL_NAME.matcher(name).matches()) {
        throw LocalJobException.usage(
            "malformed --channel '"
                + item
                + "': the name '"
                + name
                + "' must be letters, digits, '.', '_' or '-'");
      }
      if (rawChannels.containsKey(name)) {
        throw LocalJobException.usage("--channel '" + name + "' is given twice");
      }
      rawChannels.put(name, item.substring(equals + 1));
      return this;
    }

    /**
     * Adds hyperparameters; later ones win.
     *
     * @param values natural values by name
     * @return this
     */
    public Builder hyperparameters(Map<String, JsonNode> values) {
      hyperparameters.putAll(values);
      return this;
    }

    /**
     * Sets the number of hosts; default 1.
     *
     * @param instanceCount 1 or more
     * @return this
     */
    public Builder instanceCount(int instanceCount) {
      this.instanceCount = instanceCount;
      return this;
    }

    /**
     * Sets the instance type; default {@value #DEFAULT_INSTANCE_TYPE}.
     *
     * @param instanceType the type, e.g. {@code ml.p4d.24xlarge}
     * @return this
     */
    public Builder instanceType(String instanceType) {
      this.instanceType = Objects.requireNonNull(instanceType, "instanceType");
      return this;
    }

    /**
     * Sets the distribution; default {@link Distribution#NONE}.
     *
     * @param distribution the distribution
     * @return this
     */
    public Builder distribution(Distribution distribution) {
      this.distribution = Objects.requireNonNull(distribution, "distribution");
      return this;
    }

    /**
     * Sets the framework; default {@link Framework#NONE} (BYOC script mode).
     *
     * @param framework the framework
     * @return this
     */
    public Builder framework(Framework framework) {
      this.framework = Objects.requireNonNull(framework, "framework");
      return this;
    }

    /**
     * Sets the image for container mode; default none (process mode).
     *
     * @param image the image reference, or null
     * @return this
     */
    public Builder image(String image) {
      this.image = image;
      return this;
    }

    /**
     * Sets the region; default {@value #DEFAULT_REGION}.
     *
     * @param region the region
     * @return this
     */
    public Builder region(String region) {
      this.region = Objects.requireNonNull(region, "region");
      return this;
    }

    /**
     * Sets the interpreter for the user's code ({@code SMTK_PYTHON} of every host); default none:
     * the host's toolkit uses {@code SMTK_PYTHON}, else the program named python3 on its {@code
     * PATH}.
     *
     * @param python a path or a name looked up on PATH, or null
     * @return this
     */
    public Builder python(String python) {
      this.python = python;
      return this;
    }

    /**
     * Adds a variable from a {@code NAME=VALUE} item; a later item for the same name wins.
     *
     * @param item the option value
     * @return this
     * @throws LocalJobException when the item is malformed or names a variable smtk local sets
     *     itself
     */
    public Builder environment(String item) throws LocalJobException {
      int equals = item.indexOf('=');
      String name = equals < 0 ? item : item.substring(0, equals);
      if (equals <= 0 || !VARIABLE_NAME.matcher(name).matches()) {
        throw LocalJobException.usage(
            "malformed --env '" + item + "': expected NAME=VALUE, e.g. NCCL_DEBUG=INFO");
      }
      if (RESERVED_VARIABLES.containsKey(name)) {
        throw LocalJobException.usage(
            "--env '"
                + item
                + "' sets "
                + name
                + ", which smtk local sets itself ("
                + RESERVED_VARIABLES.get(name)
                + ")");
      }
      environment.put(name, item.substring(equals + 1));
      return this;
    }

    /**
     * Sets the GPUs each container gets: {@code all} or a count; default none.
     *
     * @param gpus {@code all}, a count such as {@code 2}, or null
     * @return this
     */
    public Builder gpus(String gpus) {
      this.gpus = gpus;
      return this;
    }

    /**
     * Sets the toolkit's log level: a Python level name ({@code DEBUG}, {@code INFO}, {@code
     * WARNING}, {@code ERROR}, {@code CRITICAL}, any case) or number; default the {@code
     * sagemaker_container_log_level} hyperparameter if given, else {@value #DEFAULT_LOG_LEVEL}.
     *
     * @param logLevel the level, or null
     * @return this
     */
    public Builder logLevel(String logLevel) {
      this.logLevel = logLevel;
      return this;
    }

    /**
     * Sets how long a stopped host may take to exit after SIGTERM; default 60 seconds.
     *
     * @param stopGrace the grace period
     * @return this
     */
    public Builder stopGrace(Duration stopGrace) {
      this.stopGrace = Objects.requireNonNull(stopGrace, "stopGrace");
      return this;
    }

    /**
     * Validates the job.
     *
     * @return the job
     * @throws LocalJobException naming the first bad value
     */
    public LocalJob build() throws LocalJobException {
      if (!JOB_NAME.matcher(jobName).matches() || jobName.length() > 63) {
        throw LocalJobException.usage(
            "--job-name '" + jobName + "' must be 1 to 63 letters, digits and '-', as SageMaker's");
      }
      if (instanceCount < 1) {
        throw LocalJobException.usage("--instance-count " + instanceCount + " must be 1 or more");
      }
      if (Files.exists(output) && !Files.isDirectory(output)) {
        throw LocalJobException.usage("--output " + output + " is a file, not a folder");
      }
      for (Map.Entry<String, String> channel : rawChannels.entrySet()) {
        String where = channel.getValue();
        if (where.toLowerCase(Locale.ROOT).startsWith("s3://")) {
          try {
            io.smtk.s3.S3Uri.parse(where);
          } catch (io.smtk.ToolkitException e) {
            throw LocalJobException.usage(
                "--channel " + channel.getKey() + "=" + where + ": " + e.getMessage());
          }
          // Downloaded when the job starts, with the invoking user's AWS credentials and region.
          s3Channels.put(channel.getKey(), where);
          continue;
        }
        Path path = Path.of(where).toAbsolutePath().normalize();
        if (!Files.exists(path)) {
          throw LocalJobException.usage(
              "--channel " + channel.getKey() + "=" + where + ": " + path + " does not exist");
        }
        channels.put(channel.getKey(), path);
      }
      Path source = sourceDir == null ? null : sourceDir.toAbsolutePath().normalize();
      String entry = entryPoint;
      if (source != null && !Files.isDirectory(source)) {
        throw LocalJobException.usage("--source-dir " + sourceDir + " is not a folder");
      }
      if (entry != null) {
        if (entry.isBlank()) {
          throw LocalJobException.usage("--entry-point is empty");
        }
        if (source == null) {
          // As the SDK: without a source folder the entry point is a file, and its folder is the
          // code.
          Path file = Path.of(entry).toAbsolutePath().normalize();
          if (!Files.isRegularFile(file)) {
            throw LocalJobException.usage("--entry-point " + entry + " does not exist");
          }
          source = file.getParent();
          entry = file.getFileName().toString();
        } else {
          Path file = source.resolve(entry).normalize();
          if (Path.of(entry).isAbsolute()
              || !file.startsWith(source)
              || !Files.isRegularFile(file)) {
            throw LocalJobException.usage(
                "--entry-point " + entry + " does not exist in --source-dir " + sourceDir);
          }
        }
      } else if (image == null) {
        throw LocalJobException.usage(
            "--entry-point is required without --image (process mode runs the user's code)");
      } else if (source != null) {
        throw LocalJobException.usage("--source-dir needs --entry-point");
      }
      if (image == null && instanceCount > 1 && distribution != Distribution.NONE) {
        throw LocalJobException.usage(
            "--distribution "
                + distribution.cliName()
                + " with --instance-count "
                + instanceCount
                + " needs hosts that resolve and reach each other (containers with --image, or"
                + " network namespaces); process mode runs the hosts as plain processes here");
      }
      if (gpus != null) {
        if (!gpus.equals("all") && !GPU_COUNT.matcher(gpus).matches()) {
          throw LocalJobException.usage(
              "--gpus " + gpus + " must be 'all' or a number of GPUs, e.g. 2");
        }
        if (image == null) {
          throw LocalJobException.usage(
              "--gpus "
                  + gpus
                  + " applies to containers (--image); in process mode"
                  + " the hosts use this machine's GPUs (limit them with --env CUDA_VISIBLE_DEVICES=0,1)");
        }
      }
      return new LocalJob(this, source, entry, logLevel());
    }

    /**
     * Returns the log level: {@code --log-level}, else the {@code sagemaker_container_log_level}
     * hyperparameter (taken out of the user's values, as the SDK's {@code container_log_level=}),
     * else INFO.
     */
    private int logLevel() throws LocalJobException {
      JsonNode fromHyperparameter = hyperparameters.get(Hyperparameters.LOG_LEVEL);
      Integer option =
          logLevel == null ? null : LogLevels.parse(logLevel, "--log-level " + logLevel);
      Integer hyperparameter =
          fromHyperparameter == null
              ? null
              : LogLevels.parse(
                  fromHyperparameter.isTextual()
                      ? fromHyperparameter.textValue()
                      : Hyperparameters.encode(fromHyperparameter),
                  Hyperparameters.LOG_LEVEL + "=" + Hyperparameters.encode(fromHyperparameter));
      if (option != null && hyperparameter != null && !option.equals(hyperparameter)) {
        throw LocalJobException.usage(
            "--log-level "
                + logLevel
                + " and the hyperparameter "
                + Hyperparameters.LOG_LEVEL
                + "="
                + Hyperparameters.encode(fromHyperparameter)
                + " disagree; give one");
      }
      return option != null ? option : hyperparameter != null ? hyperparameter : DEFAULT_LOG_LEVEL;
    }
  }
}
