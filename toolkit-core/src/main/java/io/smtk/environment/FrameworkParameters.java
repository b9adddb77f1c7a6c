package io.smtk.environment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smtk.python.PythonRepr;
import io.smtk.python.PythonValues;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The job's {@code sagemaker_*} hyperparameters, and the one place each knob among them is named,
 * typed and defaulted ({@link Knob}); a value of the wrong type is an error naming the key.
 *
 * <p>SageMaker's own keys ({@link Knob#reserved()}: the program, submit directory, region, log
 * level, job name, S3 output) are kept apart from the others, the contract's {@code
 * additional_framework_parameters}, as the Python toolkit splits them.
 */
public final class FrameworkParameters {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Map<String, Knob<?>> KNOBS = new LinkedHashMap<>();

  /** The user's entry point. */
  public static final Knob<String> PROGRAM = reserved(Knob.text("sagemaker_program", null));

  /** Where the user's code comes from: s3://, a local folder or archive. */
  public static final Knob<String> SUBMIT_DIRECTORY =
      reserved(Knob.text("sagemaker_submit_directory", null));

  /** Stripped from the user's hyperparameters; not used. */
  public static final Knob<Boolean> ENABLE_CLOUDWATCH_METRICS =
      reserved(Knob.flag("sagemaker_enable_cloudwatch_metrics"));

  /** The job's region (written as {@code str()} of the value). */
  public static final Knob<String> REGION = reserved(Knob.str("sagemaker_region"));

  /** The toolkit's log level, kept as given (the contract shows it raw). */
  public static final Knob<JsonNode> CONTAINER_LOG_LEVEL =
      reserved(Knob.raw("sagemaker_container_log_level"));

  /** The job's name (written as {@code str()} of the value). */
  public static final Knob<String> JOB_NAME = reserved(Knob.str("sagemaker_job_name"));

  /** The S3 URI intermediate output is synced to. */
  public static final Knob<String> S3_OUTPUT = reserved(Knob.text("sagemaker_s3_output", null));

  /** MPI: run the entry point with mpirun across the distribution hosts. */
  public static final Knob<Boolean> MPI_ENABLED = distribution(Knob.flag("sagemaker_mpi_enabled"));

  /** Ranks per host, for every runner (default: GPUs, else Neuron cores, else 1). */
  public static final Knob<Integer> PROCESSES_PER_HOST =
      Knob.integer("sagemaker_mpi_num_of_processes_per_host", 1);

  /** MPI: total ranks (0: processes per host times hosts). */
  public static final Knob<Integer> NUM_PROCESSES = Knob.integer("sagemaker_mpi_num_processes", 0);

  /** MPI: extra mpirun options. */
  public static final Knob<String> MPI_CUSTOM_OPTIONS =
      Knob.text("sagemaker_mpi_custom_mpi_options", "");

  /** SageMaker distributed data parallel. */
  public static final Knob<Boolean> SMDDP_ENABLED =
      distribution(Knob.flag("sagemaker_distributed_dataparallel_enabled"));

  /** SMDDP: extra mpirun options. */
  public static final Knob<String> SMDDP_CUSTOM_OPTIONS =
      Knob.text("sagemaker_distributed_dataparallel_custom_mpi_options", "");

  /** SMDDP: the instance type its EFA decisions are made for. */
  public static final Knob<String> INSTANCE_TYPE = Knob.text("sagemaker_instance_type", "");

  /** PyTorch DDP (run by the SMDDP runner, as in the reference). */
  public static final Knob<Boolean> PYTORCH_DDP_ENABLED =
      distribution(Knob.flag("sagemaker_pytorch_ddp_enabled"));

  /** torchrun. */
  public static final Knob<Boolean> TORCH_DISTRIBUTED_ENABLED =
      distribution(Knob.flag("sagemaker_torch_distributed_enabled"));

  /** PyTorch XLA's xla_spawn. */
  public static final Knob<Boolean> PYTORCH_XLA_ENABLED =
      distribution(Knob.flag("sagemaker_pytorch_xla_multi_worker_enabled"));

  /** TensorFlow parameter servers; MXNet scheduler and servers. */
  public static final Knob<Boolean> PARAMETER_SERVER_ENABLED =
      distribution(Knob.flag("sagemaker_parameter_server_enabled"));

  /** TensorFlow MultiWorkerMirroredStrategy. */
  public static final Knob<Boolean> MULTI_WORKER_MIRRORED_ENABLED =
      distribution(Knob.flag("sagemaker_multi_worker_mirrored_strategy_enabled"));

  /**
   * PyTorch: run the entry point with the toolkit's native launcher (no error capture in the
   * reference).
   */
  public static final Knob<Boolean> NATIVE_LAUNCHER_ENABLED =
      Knob.flag("sagemaker_toolkit_native_launcher_enabled");

  /** The instance groups that take part in distribution (heterogeneous clusters). */
  public static final Knob<List<String>> DISTRIBUTION_INSTANCE_GROUPS =
      Knob.strings("sagemaker_distribution_instance_groups");

  /**
   * Set by SageMaker under hyperparameter tuning (TensorFlow looks for it); stripped from the
   * user's.
   */
  public static final Knob<JsonNode> TUNING_OBJECTIVE_METRIC =
      reserved(Knob.raw("_tuning_objective_metric"));

  /** The legacy module name; stripped from the user's hyperparameters. */
  public static final Knob<JsonNode> DEFAULT_USER_MODULE_NAME =
      reserved(Knob.raw("default_user_module_name"));

  private final ObjectNode all;
  private final String source;

  private FrameworkParameters(ObjectNode all, String source) {
    this.all = all;
    this.source = source;
  }

  /**
   * Returns the parameters of a set of {@code sagemaker_*} (and other reserved) hyperparameters.
   *
   * @param values decoded values; copied
   * @return the parameters
   */
  public static FrameworkParameters of(ObjectNode values) {
    return of(values, "the hyperparameters");
  }

  /**
   * Returns the parameters of a set of hyperparameters read from a file.
   *
   * @param values decoded values; copied
   * @param source where they come from, for messages (e.g. the file's path)
   * @return the parameters
   */
  public static FrameworkParameters of(ObjectNode values, String source) {
    return new FrameworkParameters(values.deepCopy(), source);
  }

  /**
   * Tells whether a hyperparameter is SageMaker's rather than the user's.
   *
   * @param key the hyperparameter's name
   * @return true for {@code sagemaker_*} keys and the reserved names
   */
  public static boolean isFrameworkKey(String key) {
    Knob<?> knob = KNOBS.get(key);
    return key.startsWith("sagemaker_") || (knob != null && knob.reserved());
  }

  /**
   * Returns every knob, in declaration order.
   *
   * @return the knobs
   */
  public static List<Knob<?>> knobs() {
    return List.copyOf(KNOBS.values());
  }

  /**
   * Returns the flags any of which, when true, puts the current instance group into distribution.
   *
   * @return the flags
   */
  public static List<Knob<Boolean>> distributionFlags() {
    List<Knob<Boolean>> flags = new ArrayList<>();
    for (Knob<?> knob : KNOBS.values()) {
      if (knob.distribution()) {
        @SuppressWarnings("unchecked")
        Knob<Boolean> flag = (Knob<Boolean>) knob;
        flags.add(flag);
      }
    }
    return Collections.unmodifiableList(flags);
  }

  /**
   * Returns the knob's value, or its default when the key is absent or null.
   *
   * @param knob the knob
   * @param <T> its type
   * @return the value (null only for knobs whose default is null)
   * @throws InvalidTrainingConfigException when the value has the wrong type; the message names the
   *     key
   */
  public <T> T get(Knob<T> knob) throws InvalidTrainingConfigException {
    JsonNode value = all.get(knob.name());
    return value == null || value.isNull() ? knob.defaultValue() : parse(knob, value);
  }

  /**
   * Returns the knob's value when the key is present and not null.
   *
   * @param knob the knob
   * @param <T> its type
   * @return the value, or empty
   * @throws InvalidTrainingConfigException when the value has the wrong type
   */
  public <T> Optional<T> find(Knob<T> knob) throws InvalidTrainingConfigException {
    JsonNode value = all.get(knob.name());
    return value == null || value.isNull() ? Optional.empty() : Optional.of(parse(knob, value));
  }

  /**
   * Tells whether a flag is on under Python's truthiness, as the Python toolkit tests its flags.
   *
   * @param flag the flag
   * @return true when the value is truthy
   */
  public boolean isOn(Knob<Boolean> flag) {
    return PythonValues.truthy(all.get(flag.name()));
  }

  /**
   * Tells whether the key is present.
   *
   * @param knob the knob
   * @return true when present (even if null)
   */
  public boolean has(Knob<?> knob) {
    return all.has(knob.name());
  }

  /**
   * Returns every {@code sagemaker_*} and reserved hyperparameter, as read.
   *
   * @return a copy
   */
  public ObjectNode all() {
    return all.deepCopy();
  }

  /**
   * Returns the contract's {@code additional_framework_parameters}: the keys that are not
   * SageMaker's reserved ones.
   *
   * @return a new object, in file order
   */
  public ObjectNode additional() {
    ObjectNode additional = NODES.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = all.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      Knob<?> knob = KNOBS.get(entry.getKey());
      if (knob == null || !knob.reserved()) {
        additional.set(entry.getKey(), entry.getValue());
      }
    }
    return additional;
  }

  /**
   * Returns these parameters with some values replaced (the Python API's {@code extra_opts}); only
   * truthy values count, as the Python toolkit's {@code mpi_args.get(name) or ...}.
   *
   * @param overrides the values
   * @return the changed parameters
   */
  public FrameworkParameters withOverrides(ObjectNode overrides) {
    ObjectNode changed = all.deepCopy();
    for (Iterator<Map.Entry<String, JsonNode>> it = overrides.properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (PythonValues.truthy(entry.getValue())) {
        changed.set(entry.getKey(), entry.getValue());
      }
    }
    return new FrameworkParameters(changed, source);
  }

  private <T> T parse(Knob<T> knob, JsonNode value) throws InvalidTrainingConfigException {
    return knob.parser().parse("'" + knob.name() + "' in " + source, value);
  }

  private static <T> Knob<T> reserved(Knob<T> knob) {
    Knob<T> marked = new Knob<>(knob.name(), knob.defaultValue(), knob.parser(), true, false);
    KNOBS.put(marked.name(), marked);
    return marked;
  }

  private static Knob<Boolean> distribution(Knob<Boolean> knob) {
    Knob<Boolean> marked = new Knob<>(knob.name(), knob.defaultValue(), knob.parser(), false, true);
    KNOBS.put(marked.name(), marked);
    return marked;
  }

  /** Parses a knob's JSON value. */
  @FunctionalInterface
  public interface Parser<T> {
    /**
     * Parses a value.
     *
     * @param key the hyperparameter and where it was read, for the message
     * @param value the value, never JSON null
     * @return the parsed value
     * @throws InvalidTrainingConfigException when the value has the wrong type
     */
    T parse(String key, JsonNode value) throws InvalidTrainingConfigException;
  }

  /**
   * One {@code sagemaker_*} knob: its name, default and type.
   *
   * @param name the hyperparameter
   * @param defaultValue the value when absent or null
   * @param parser reads and checks a value
   * @param reserved SageMaker's own (not in {@code additional_framework_parameters})
   * @param distribution a flag that puts the current instance group into distribution
   * @param <T> the value's type
   */
  public record Knob<T>(
      String name, T defaultValue, Parser<T> parser, boolean reserved, boolean distribution) {

    private static <T> Knob<T> register(Knob<T> knob) {
      KNOBS.put(knob.name(), knob);
      return knob;
    }

    static Knob<Boolean> flag(String name) {
      return register(
          new Knob<>(name, false, (key, value) -> PythonValues.truthy(value), false, false));
    }

    static Knob<JsonNode> raw(String name) {
      return register(new Knob<>(name, null, (key, value) -> value.deepCopy(), false, false));
    }

    static Knob<String> str(String name) {
      return register(new Knob<>(name, null, (key, value) -> PythonRepr.str(value), false, false));
    }

    static Knob<String> text(String name, String defaultValue) {
      return register(new Knob<>(name, defaultValue, FrameworkParameters::text, false, false));
    }

    static Knob<Integer> integer(String name, int defaultValue) {
      return register(new Knob<>(name, defaultValue, FrameworkParameters::integer, false, false));
    }

    static Knob<List<String>> strings(String name) {
      return register(new Knob<>(name, List.of(), FrameworkParameters::strings, false, false));
    }
  }

  private static String text(String key, JsonNode value) throws InvalidTrainingConfigException {
    if (!value.isTextual()) {
      throw new InvalidTrainingConfigException(
          "Hyperparameter " + key + " must be a string, not " + ConfigFiles.describe(value));
    }
    return value.textValue();
  }

  /** A JSON integer, an integral number such as {@code 2.0}, or a string of digits. */
  private static Integer integer(String key, JsonNode value) throws InvalidTrainingConfigException {
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
      throw new InvalidTrainingConfigException(
          "Hyperparameter " + key + " must be an integer, not " + value, e);
    }
  }

  private static List<String> strings(String key, JsonNode value)
      throws InvalidTrainingConfigException {
    if (!value.isArray()) {
      throw new InvalidTrainingConfigException(
          "Hyperparameter "
              + key
              + " must be a list of strings, not "
              + ConfigFiles.describe(value));
    }
    List<String> strings = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw new InvalidTrainingConfigException(
            "Hyperparameter "
                + key
                + " must be a list of strings, not "
                + ConfigFiles.describe(value));
      }
      strings.add(item.textValue());
    }
    return List.copyOf(strings);
  }
}
