package io.smtk.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.smtk.environment.TrainingEnvironment;
import io.smtk.python.PythonJson;
import io.smtk.python.PythonRepr;
import io.smtk.python.PythonValues;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a user script sees, identical to the Python toolkit: the {@code SM_*} variables, the {@code
 * --key value} arguments and the variables the toolkit sets in its own environment.
 */
public final class ScriptContract {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ScriptContract() {}

  /**
   * Returns the arguments for the user hyperparameters: keys sorted by code point, {@code --key}
   * (or {@code -k} for one letter), values in Python's {@code str()} spelling.
   *
   * @param hyperparameters the decoded user hyperparameters
   * @return {@code [name1, value1, name2, value2, ...]}
   */
  public static List<String> arguments(ObjectNode hyperparameters) {
    List<String> keys = sortedKeys(hyperparameters);
    List<String> arguments = new ArrayList<>(keys.size() * 2);
    for (String key : keys) {
      int length = key.codePointCount(0, key.length());
      arguments.add(length == 0 ? "" : (length == 1 ? "-" : "--") + key);
      arguments.add(argumentValue(hyperparameters.get(key)));
    }
    return Collections.unmodifiableList(arguments);
  }

  /**
   * Returns the variables the Python toolkit sets in its own process environment, which every child
   * inherits: {@code SAGEMAKER_JOB_NAME}, {@code CURRENT_HOST}, {@code SAGEMAKER_REGION}.
   *
   * @param environment the training environment
   * @return the variables in the order the Python toolkit sets them
   */
  public static Map<String, String> toolkitVariables(TrainingEnvironment environment) {
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("SAGEMAKER_JOB_NAME", environment.sagemakerJobName());
    variables.put("CURRENT_HOST", environment.currentHost());
    variables.put("SAGEMAKER_REGION", environment.sagemakerRegion());
    return Collections.unmodifiableMap(variables);
  }

  /**
   * Renders the whole contract of an environment once: the toolkit's variables, the {@code SM_*}
   * variables, the arguments and {@code SM_TRAINING_ENV}'s document.
   *
   * @param environment the training environment
   * @return the contract
   */
  public static Contract render(TrainingEnvironment environment) {
    ObjectNode trainingEnv = trainingEnv(environment);
    List<String> arguments = arguments(environment.hyperparameters());
    return new Contract(
        toolkitVariables(environment),
        variables(environment, trainingEnv, arguments),
        arguments,
        trainingEnv);
  }

  /**
   * Returns the {@code SM_*} variables, in the Python toolkit's order (which is the order of {@code
   * mpirun -x} flags).
   *
   * @param environment the training environment
   * @return variable name to value
   */
  public static Map<String, String> environmentVariables(TrainingEnvironment environment) {
    return render(environment).variables();
  }

  private static Map<String, String> variables(
      TrainingEnvironment environment, ObjectNode trainingEnv, List<String> arguments) {
    List<String> channelNames = new ArrayList<>(environment.channelInputDirs().keySet());
    channelNames.sort(PythonJson.codePointOrder());
    ArrayNode channels = strings(channelNames);

    Map<String, JsonNode> values = new LinkedHashMap<>();
    values.put("hosts", strings(environment.hosts()));
    values.put("network_interface_name", text(environment.networkInterfaceName()));
    values.put("hps", environment.hyperparameters());
    values.put("user_entry_point", nullableText(environment.userEntryPoint().orElse(null)));
    values.put("framework_params", environment.additionalFrameworkParameters());
    values.put("resource_config", environment.resourceConfig());
    values.put("input_data_config", environment.inputDataConfig());
    values.put("output_data_dir", path(environment.outputDataDir()));
    values.put("channels", channels);
    values.put("current_host", text(environment.currentHost()));
    values.put("current_instance_type", text(environment.currentInstanceType()));
    values.put("current_instance_group", text(environment.currentInstanceGroup()));
    values.put("current_instance_group_hosts", strings(environment.currentInstanceGroupHosts()));
    values.put("instance_groups", strings(environment.instanceGroups()));
    values.put("instance_groups_dict", environment.instanceGroupsDict());
    values.put("distribution_instance_groups", strings(environment.distributionInstanceGroups()));
    values.put("is_hetero", BooleanNode.valueOf(environment.isHetero()));
    values.put("module_name", text(environment.moduleName()));
    values.put("log_level", environment.logLevel());
    values.put("framework_module", nullableText(environment.frameworkModule().orElse(null)));
    values.put("input_dir", path(environment.inputDir()));
    values.put("input_config_dir", path(environment.inputConfigDir()));
    values.put("output_dir", path(environment.outputDir()));
    values.put("num_cpus", IntNode.valueOf(environment.numCpus()));
    values.put("num_gpus", IntNode.valueOf(environment.numGpus()));
    values.put("num_neurons", IntNode.valueOf(environment.numNeurons()));
    values.put("model_dir", path(environment.modelDir()));
    values.put("module_dir", text(environment.moduleDir()));
    values.put("training_env", trainingEnv);
    values.put("user_args", strings(arguments));
    values.put("output_intermediate_dir", path(environment.outputIntermediateDir()));
    JsonNode topology = environment.topology();
    if (PythonValues.truthy(topology)) {
      values.put("topology", topology);
    }
    for (Map.Entry<String, Path> channel : environment.channelInputDirs().entrySet()) {
      values.put("channel_" + channel.getKey(), path(channel.getValue()));
    }
    ObjectNode hyperparameters = environment.hyperparameters();
    for (Iterator<Map.Entry<String, JsonNode>> it = hyperparameters.properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      values.put("hp_" + entry.getKey(), entry.getValue());
    }

    Map<String, String> variables = new LinkedHashMap<>();
    // Two keys that differ only in case map to one variable: the later one wins, as in Python.
    for (Map.Entry<String, JsonNode> value : values.entrySet()) {
      variables.put(variableName(value.getKey()), variableValue(value.getValue()));
    }
    return Collections.unmodifiableMap(variables);
  }

  /**
   * Returns {@code SM_TRAINING_ENV}'s document: the Python toolkit's 37 environment properties.
   *
   * @param environment the training environment
   * @return a new object
   */
  public static ObjectNode trainingEnv(TrainingEnvironment environment) {
    ObjectNode channelDirs = NODES.objectNode();
    for (Map.Entry<String, Path> channel : environment.channelInputDirs().entrySet()) {
      channelDirs.put(channel.getKey(), channel.getValue().toString());
    }
    ObjectNode env = NODES.objectNode();
    env.set("additional_framework_parameters", environment.additionalFrameworkParameters());
    env.set("channel_input_dirs", channelDirs);
    env.put("current_host", environment.currentHost());
    env.put("current_instance_group", environment.currentInstanceGroup());
    env.set("current_instance_group_hosts", strings(environment.currentInstanceGroupHosts()));
    env.put("current_instance_type", environment.currentInstanceType());
    env.set("distribution_hosts", strings(environment.distributionHosts()));
    env.set("distribution_instance_groups", strings(environment.distributionInstanceGroups()));
    env.set("framework_module", nullableJson(environment.frameworkModule().orElse(null)));
    env.set("hosts", strings(environment.hosts()));
    env.set("hyperparameters", environment.hyperparameters());
    env.put("input_config_dir", environment.inputConfigDir().toString());
    env.set("input_data_config", environment.inputDataConfig());
    env.put("input_dir", environment.inputDir().toString());
    env.set("instance_groups", strings(environment.instanceGroups()));
    env.set("instance_groups_dict", environment.instanceGroupsDict());
    env.put("is_hetero", environment.isHetero());
    env.put("is_master", environment.isMaster());
    env.set("is_modelparallel_enabled", environment.modelParallelEnabled());
    env.put("is_smddpmprun_installed", environment.isSmddpmprunInstalled());
    env.put("is_smddprun_installed", environment.isSmddprunInstalled());
    env.set("job_name", nullableJson(environment.jobName().orElse(null)));
    env.set("log_level", environment.logLevel());
    env.put("master_hostname", environment.masterHostname());
    env.put("model_dir", environment.modelDir().toString());
    env.put("module_dir", environment.moduleDir());
    env.put("module_name", environment.moduleName());
    env.put("network_interface_name", environment.networkInterfaceName());
    env.put("num_cpus", environment.numCpus());
    env.put("num_gpus", environment.numGpus());
    env.put("num_neurons", environment.numNeurons());
    env.put("output_data_dir", environment.outputDataDir().toString());
    env.put("output_dir", environment.outputDir().toString());
    env.put("output_intermediate_dir", environment.outputIntermediateDir().toString());
    env.set("resource_config", environment.resourceConfig());
    env.set("topology", environment.topology());
    env.set("user_entry_point", nullableJson(environment.userEntryPoint().orElse(null)));
    return env;
  }

  /**
   * Returns the variable name for a contract key: {@code SM_} and the key in upper case (Python's
   * {@code str.upper()}, so {@code ß} becomes {@code SS}); dashes and dots are kept.
   *
   * @param key the key, e.g. {@code hp_batch-size}
   * @return the name, e.g. {@code SM_HP_BATCH-SIZE}
   */
  public static String variableName(String key) {
    return "SM_" + key.toUpperCase(Locale.ROOT);
  }

  /**
   * Returns a variable's value: a string as it is, None as empty, anything else as compact, sorted,
   * ASCII-escaped JSON.
   *
   * @param value the decoded value
   * @return the text
   */
  public static String variableValue(JsonNode value) {
    if (value == null || value.isNull()) {
      return "";
    }
    if (value.isTextual()) {
      return value.textValue();
    }
    return PythonJson.dumps(value);
  }

  static String argumentValue(JsonNode value) {
    if (value == null || value.isNull()) {
      return "";
    }
    if (value.isObject()) {
      List<String> keys = sortedKeys(value);
      List<String> pairs = new ArrayList<>();
      for (String key : keys) {
        pairs.add(key + "=" + PythonRepr.str(value.get(key)));
      }
      return String.join(",", pairs);
    }
    return PythonRepr.str(value);
  }

  /**
   * The contract of one job, rendered once.
   *
   * @param toolkitVariables {@code SAGEMAKER_JOB_NAME}, {@code CURRENT_HOST}, {@code
   *     SAGEMAKER_REGION}
   * @param variables the {@code SM_*} variables, in the Python toolkit's order
   * @param arguments the user's {@code --key value} arguments
   * @param trainingEnv {@code SM_TRAINING_ENV}'s document
   */
  public record Contract(
      Map<String, String> toolkitVariables,
      Map<String, String> variables,
      List<String> arguments,
      ObjectNode trainingEnv) {

    public Contract {
      toolkitVariables = Collections.unmodifiableMap(new LinkedHashMap<>(toolkitVariables));
      variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
      arguments = List.copyOf(arguments);
      trainingEnv = trainingEnv.deepCopy();
    }

    /**
     * Returns {@code SM_TRAINING_ENV}'s document.
     *
     * @return a copy
     */
    @Override
    public ObjectNode trainingEnv() {
      return trainingEnv.deepCopy();
    }
  }

  private static List<String> sortedKeys(JsonNode object) {
    List<String> keys = new ArrayList<>(object.size());
    for (Map.Entry<String, JsonNode> property : object.properties()) {
      keys.add(property.getKey());
    }
    keys.sort(PythonJson.codePointOrder());
    return keys;
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode array = NODES.arrayNode(values.size());
    for (String value : values) {
      array.add(value);
    }
    return array;
  }

  private static JsonNode text(String value) {
    return TextNode.valueOf(value);
  }

  private static JsonNode path(Path value) {
    return TextNode.valueOf(value.toString());
  }

  private static JsonNode nullableText(String value) {
    return value == null ? NullNode.getInstance() : TextNode.valueOf(value);
  }

  private static JsonNode nullableJson(String value) {
    return nullableText(value);
  }
}
