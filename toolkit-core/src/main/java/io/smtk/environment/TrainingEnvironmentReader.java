package io.smtk.environment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.smtk.python.PythonJson;
import io.smtk.python.PythonJsonException;
import io.smtk.python.PythonNames;
import io.smtk.python.PythonRepr;
import io.smtk.python.PythonValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/** Reads a {@link TrainingEnvironment} from the SageMaker base directory and the process settings. */
public final class TrainingEnvironmentReader {

  private static final String DEFAULT_GROUP = "homogeneousCluster";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final BiFunction<ToolkitSettings, String, Hardware> hardwareDetector;

  private TrainingEnvironmentReader(BiFunction<ToolkitSettings, String, Hardware> hardwareDetector) {
    this.hardwareDetector = hardwareDetector;
  }

  /**
   * Returns a reader that detects the real hardware.
   *
   * @return the reader
   */
  public static TrainingEnvironmentReader create() {
    return new TrainingEnvironmentReader(Hardware::detect);
  }

  /**
   * Returns a reader that reports the given hardware instead of detecting it (tests).
   *
   * @param hardware the hardware to report
   * @return the reader
   */
  public static TrainingEnvironmentReader withHardware(Hardware hardware) {
    return new TrainingEnvironmentReader((settings, type) -> hardware);
  }

  /**
   * Reads the three configuration files under {@code <base>/input/config} and the settings.
   *
   * @param settings the toolkit's settings (base directory, {@code SAGEMAKER_PROGRAM}, ...)
   * @return the environment
   * @throws InvalidTrainingConfigException when a file is missing or malformed, or a value has the
   *     wrong type; the message names the file and key
   */
  public TrainingEnvironment read(ToolkitSettings settings) throws InvalidTrainingConfigException {
    return read(settings, null, null, null);
  }

  /**
   * Reads the environment as {@link #read(ToolkitSettings)} does, with some configuration given instead
   * of read from its file (the Python API's {@code Environment(resource_config=..., ...)}).
   *
   * @param settings the toolkit's settings
   * @param givenResourceConfig used instead of {@code resourceconfig.json}, or null
   * @param givenInputDataConfig used instead of {@code inputdataconfig.json}, or null
   * @param givenHyperparameters decoded hyperparameters used instead of {@code hyperparameters.json}, or null
   * @return the environment
   * @throws InvalidTrainingConfigException when a file or value is missing or malformed
   */
  public TrainingEnvironment read(ToolkitSettings settings, ObjectNode givenResourceConfig,
      ObjectNode givenInputDataConfig, ObjectNode givenHyperparameters) throws InvalidTrainingConfigException {
    Path baseDir = settings.baseDir();
    if (!Files.isDirectory(baseDir)) {
      throw new InvalidTrainingConfigException(
          "SageMaker base directory " + baseDir + " does not exist"
              + (settings.baseDirConfigured()
                  ? " (from SAGEMAKER_BASE_DIR)"
                  : "; set SAGEMAKER_BASE_DIR, or use 'smtk local' to run a job on this machine"));
    }
    Path configDir = baseDir.resolve("input").resolve("config");
    Path resourceFile = configDir.resolve("resourceconfig.json");
    Path inputDataFile = configDir.resolve("inputdataconfig.json");
    Path hyperparameterFile = configDir.resolve("hyperparameters.json");

    ObjectNode resourceConfig =
        givenResourceConfig != null ? givenResourceConfig.deepCopy() : ConfigFiles.readObject(resourceFile);
    ObjectNode inputDataConfig =
        givenInputDataConfig != null ? givenInputDataConfig.deepCopy() : ConfigFiles.readObject(inputDataFile);
    ObjectNode decoded =
        givenHyperparameters != null
            ? givenHyperparameters.deepCopy()
            : decodeHyperparameters(ConfigFiles.readObject(hyperparameterFile));

    ObjectNode userHyperparameters = NODES.objectNode();
    ObjectNode sagemakerHyperparameters = NODES.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = decoded.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      (FrameworkParameters.isFrameworkKey(entry.getKey()) ? sagemakerHyperparameters : userHyperparameters)
          .set(entry.getKey(), entry.getValue());
    }
    FrameworkParameters frameworkParameters =
        FrameworkParameters.of(sagemakerHyperparameters, hyperparameterFile.toString());

    String currentHost = requiredString(resourceConfig, "current_host", resourceFile);
    List<String> hosts = stringList(resourceConfig.get("hosts"), "hosts", resourceFile, true);
    if (hosts.isEmpty()) {
      throw new InvalidTrainingConfigException("'hosts' in " + resourceFile + " is an empty list");
    }
    if (!hosts.contains(currentHost)) {
      throw new InvalidTrainingConfigException(
          "'current_host' \"" + currentHost + "\" in " + resourceFile + " is not one of 'hosts' "
              + hosts);
    }
    String instanceType = optionalString(resourceConfig, "current_instance_type", "local", resourceFile);
    // SageMaker writes current_group_name; the Python toolkit's own local bootstrap writes
    // current_instance_group, which it then ignores. We read the second when the first is absent.
    String currentGroup =
        resourceConfig.has("current_group_name")
            ? optionalString(resourceConfig, "current_group_name", DEFAULT_GROUP, resourceFile)
            : optionalString(resourceConfig, "current_instance_group", DEFAULT_GROUP, resourceFile);
    String networkInterface =
        optionalString(resourceConfig, "network_interface_name", "eth0", resourceFile);
    JsonNode topology = resourceConfig.has("topology") ? resourceConfig.get("topology") : NODES.arrayNode();

    List<String> instanceGroups = new ArrayList<>();
    ObjectNode instanceGroupsDict = NODES.objectNode();
    Map<String, List<String>> groupHosts = new LinkedHashMap<>();
    JsonNode groups = resourceConfig.get("instance_groups");
    if (groups != null && !groups.isNull()) {
      if (!groups.isArray()) {
        throw new InvalidTrainingConfigException(
            "'instance_groups' in " + resourceFile + " must be a list, not "
                + ConfigFiles.describe(groups));
      }
      int index = 0;
      for (JsonNode group : groups) {
        String where = "instance_groups[" + index++ + "]";
        if (!group.isObject()) {
          throw new InvalidTrainingConfigException(
              "'" + where + "' in " + resourceFile + " must be an object, not "
                  + ConfigFiles.describe(group));
        }
        String name = requiredString((ObjectNode) group, "instance_group_name", resourceFile, where);
        instanceGroups.add(name);
        instanceGroupsDict.set(name, group);
        groupHosts.put(name, stringList(group.get("hosts"), where + ".hosts", resourceFile, true));
      }
    }
    List<String> currentGroupHosts = groupHosts.getOrDefault(currentGroup, List.of());

    List<String> distributionGroups;
    if (frameworkParameters.has(FrameworkParameters.DISTRIBUTION_INSTANCE_GROUPS)) {
      distributionGroups = frameworkParameters.get(FrameworkParameters.DISTRIBUTION_INSTANCE_GROUPS);
    } else if (FrameworkParameters.distributionFlags().stream().anyMatch(frameworkParameters::isOn)) {
      distributionGroups = List.of(currentGroup);
    } else {
      distributionGroups = List.of();
    }
    List<String> distributionHosts = new ArrayList<>();
    if (resourceConfig.has("instance_groups")) {
      groupHosts.forEach(
          (name, members) -> {
            if (distributionGroups.contains(name)) {
              distributionHosts.addAll(members);
            }
          });
    } else {
      distributionHosts.addAll(hosts);
    }
    String master = distributionHosts.isEmpty() ? hosts.get(0) : distributionHosts.get(0);

    String program = settings.program().filter(value -> !value.isEmpty()).orElse(null);
    String entryPoint = program;
    if (entryPoint == null) {
      entryPoint = frameworkParameters.get(FrameworkParameters.PROGRAM);
    }
    // The reference's str(None) when no program is given.
    String moduleName = entryPoint == null ? "None" : PythonNames.moduleName(entryPoint);
    String moduleDir = frameworkParameters.find(FrameworkParameters.SUBMIT_DIRECTORY)
        .orElse(baseDir.resolve("code").toString());
    String region = frameworkParameters.has(FrameworkParameters.REGION)
        ? PythonRepr.str(sagemakerHyperparameters.get(FrameworkParameters.REGION.name()))
        : settings.defaultRegion().orElse("");
    String sagemakerJobName = frameworkParameters.has(FrameworkParameters.JOB_NAME)
        ? PythonRepr.str(sagemakerHyperparameters.get(FrameworkParameters.JOB_NAME.name()))
        : "";
    String s3Output = frameworkParameters.get(FrameworkParameters.S3_OUTPUT);

    Path dataDir = baseDir.resolve("input").resolve("data");
    Map<String, Path> channels = new LinkedHashMap<>();
    for (Iterator<String> it = inputDataConfig.fieldNames(); it.hasNext(); ) {
      String channel = it.next();
      if (channel.isEmpty() || channel.equals(".") || channel.equals("..") || channel.contains("/")
          || channel.indexOf('\0') >= 0) {
        throw new InvalidTrainingConfigException(
            "Channel name \"" + channel + "\" in " + inputDataFile
                + " cannot be a folder name under " + dataDir);
      }
      channels.put(channel, dataDir.resolve(channel));
    }

    Hardware hardware = hardwareDetector.apply(settings, instanceType);
    return TrainingEnvironment.builder()
        .baseDir(baseDir)
        .resourceConfig(resourceConfig)
        .inputDataConfig(inputDataConfig)
        .hyperparameters(userHyperparameters)
        .frameworkParameters(frameworkParameters)
        .currentHost(currentHost)
        .hosts(hosts)
        .currentInstanceType(instanceType)
        .currentInstanceGroup(currentGroup)
        .currentInstanceGroupHosts(currentGroupHosts)
        .instanceGroups(instanceGroups)
        .instanceGroupsDict(instanceGroupsDict)
        .distributionInstanceGroups(distributionGroups)
        .distributionHosts(distributionHosts)
        .hetero(instanceGroups.size() > 1)
        .masterHostname(master)
        .master(currentHost.equals(master))
        .networkInterfaceName(networkInterface)
        .topology(topology)
        .modelParallelEnabled(modelParallel(settings))
        .smddprunInstalled(settings.which("smddprun").isPresent())
        .smddpmprunInstalled(settings.which("smddpmprun").isPresent())
        .jobName(settings.trainingJobName().orElse(null))
        .logLevel(frameworkParameters.find(FrameworkParameters.CONTAINER_LOG_LEVEL).orElse(IntNode.valueOf(20)))
        .moduleDir(moduleDir)
        .moduleName(moduleName)
        .userEntryPoint(entryPoint)
        .frameworkModule(settings.get("SAGEMAKER_TRAINING_MODULE").orElse(null))
        .numCpus(hardware.cpus())
        .numGpus(hardware.gpus())
        .numNeurons(hardware.neurons())
        .sagemakerRegion(region)
        .sagemakerJobName(sagemakerJobName)
        .s3Output(s3Output)
        .channelInputDirs(channels)
        .build();
  }

  /**
   * Decodes every string value with Python's {@code json.loads}, keeping the raw string when it is
   * not JSON, and keeping non-string values as they are, as the Python toolkit does.
   *
   * @param raw the file's object
   * @return a new object with the decoded values, keys in file order
   */
  public static ObjectNode decodeHyperparameters(ObjectNode raw) {
    ObjectNode decoded = NODES.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = raw.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode value = entry.getValue();
      if (value.isTextual()) {
        try {
          value = PythonJson.loads(value.textValue());
        } catch (PythonJsonException e) {
          value = TextNode.valueOf(value.textValue());
        }
      }
      decoded.set(entry.getKey(), value);
    }
    return decoded;
  }

  private static JsonNode modelParallel(ToolkitSettings settings) {
    String mp = settings.modelParallelParameters().orElse(null);
    if (mp == null) {
      return NullNode.getInstance();
    }
    if (mp.isEmpty()) {
      return TextNode.valueOf("");
    }
    return BooleanNode.valueOf(ModelParallel.isEnabled(mp));
  }

  private static String requiredString(ObjectNode object, String key, Path file)
      throws InvalidTrainingConfigException {
    return requiredString(object, key, file, null);
  }

  private static String requiredString(ObjectNode object, String key, Path file, String within)
      throws InvalidTrainingConfigException {
    String where = within == null ? "'" + key + "'" : "'" + key + "' of '" + within + "'";
    JsonNode value = object.get(key);
    if (value == null) {
      throw new InvalidTrainingConfigException(where + " is missing in " + file);
    }
    if (!value.isTextual()) {
      throw new InvalidTrainingConfigException(
          where + " in " + file + " must be a string, not " + ConfigFiles.describe(value));
    }
    return value.textValue();
  }

  private static String optionalString(ObjectNode object, String key, String fallback, Path file)
      throws InvalidTrainingConfigException {
    JsonNode value = object.get(key);
    if (value == null) {
      return fallback;
    }
    if (!value.isTextual()) {
      throw new InvalidTrainingConfigException(
          "'" + key + "' in " + file + " must be a string, not " + ConfigFiles.describe(value));
    }
    return value.textValue();
  }

  private static List<String> stringList(JsonNode value, String key, Path file, boolean required)
      throws InvalidTrainingConfigException {
    if (value == null) {
      if (required) {
        throw new InvalidTrainingConfigException("'" + key + "' is missing in " + file);
      }
      return List.of();
    }
    if (!value.isArray()) {
      throw new InvalidTrainingConfigException(
          "'" + key + "' in " + file + " must be a list of strings, not " + ConfigFiles.describe(value));
    }
    List<String> strings = new ArrayList<>();
    for (JsonNode item : (ArrayNode) value) {
      if (!item.isTextual()) {
        throw new InvalidTrainingConfigException(
            "'" + key + "' in " + file + " must be a list of strings, but holds "
                + ConfigFiles.describe(item));
      }
      strings.add(item.textValue());
    }
    return strings;
  }
}
