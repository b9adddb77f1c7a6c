package io.smtk.environment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code resourceconfig.json}, validated where it is read: the hosts, this host, the instance
 * groups and the network.
 *
 * @param json the file's object, as read (the contract passes it on verbatim)
 * @param currentHost this host
 * @param hosts every host of the job
 * @param currentInstanceType this host's instance type ({@code local} when absent)
 * @param currentInstanceGroup this host's instance group
 * @param groupHosts each instance group's hosts, in file order
 * @param instanceGroupsDict each instance group's object, by name
 * @param networkInterfaceName the job network's interface ({@code eth0} when absent)
 * @param topology the GB200 topology ({@code []} when absent)
 */
public record ResourceConfig(
    ObjectNode json,
    String currentHost,
    List<String> hosts,
    String currentInstanceType,
    String currentInstanceGroup,
    Map<String, List<String>> groupHosts,
    ObjectNode instanceGroupsDict,
    String networkInterfaceName,
    JsonNode topology) {

  /** The instance group of a job without instance groups. */
  static final String DEFAULT_GROUP = "homogeneousCluster";

  public ResourceConfig {
    json = json.deepCopy();
    hosts = List.copyOf(hosts);
    groupHosts = Collections.unmodifiableMap(new LinkedHashMap<>(groupHosts));
    instanceGroupsDict = instanceGroupsDict.deepCopy();
    topology = topology.deepCopy();
  }

  /**
   * Reads and validates the file's object.
   *
   * @param json the object
   * @param file where it was read, for messages
   * @return the configuration
   * @throws InvalidTrainingConfigException when a key is missing or has the wrong type; the message
   *     names the file and key
   */
  static ResourceConfig read(ObjectNode json, Path file) throws InvalidTrainingConfigException {
    String currentHost = ConfigFiles.requiredString(json, "current_host", file, null);
    List<String> hosts = ConfigFiles.stringList(json.get("hosts"), "hosts", file, true);
    if (hosts.isEmpty()) {
      throw new InvalidTrainingConfigException("'hosts' in " + file + " is an empty list");
    }
    Set<String> seen = new HashSet<>();
    for (String host : hosts) {
      if (!seen.add(host)) {
        // A host listed twice would wait for itself (the MPI master for its own worker).
        throw new InvalidTrainingConfigException(
            "'hosts' in "
                + file
                + " lists "
                + ConfigFiles.quoted(host)
                + " more than once: "
                + hosts);
      }
    }
    if (!hosts.contains(currentHost)) {
      throw new InvalidTrainingConfigException(
          "'current_host' \"" + currentHost + "\" in " + file + " is not one of 'hosts' " + hosts);
    }
    String instanceType = ConfigFiles.optionalString(json, "current_instance_type", "local", file);
    // SageMaker writes current_group_name; the Python toolkit's own local bootstrap writes
    // current_instance_group, which it then ignores. We read the second when the first is absent.
    String currentGroup =
        json.has("current_group_name")
            ? ConfigFiles.optionalString(json, "current_group_name", DEFAULT_GROUP, file)
            : ConfigFiles.optionalString(json, "current_instance_group", DEFAULT_GROUP, file);
    String networkInterface =
        ConfigFiles.optionalString(json, "network_interface_name", "eth0", file);
    JsonNode topology =
        json.has("topology") ? json.get("topology") : JsonNodeFactory.instance.arrayNode();

    ObjectNode instanceGroupsDict = JsonNodeFactory.instance.objectNode();
    Map<String, List<String>> groupHosts = new LinkedHashMap<>();
    JsonNode groups = json.get("instance_groups");
    if (groups != null && !groups.isNull()) {
      if (!groups.isArray()) {
        throw new InvalidTrainingConfigException(
            "'instance_groups' in "
                + file
                + " must be a list, not "
                + ConfigFiles.describe(groups));
      }
      int index = 0;
      for (JsonNode group : groups) {
        String where = "instance_groups[" + index++ + "]";
        if (!group.isObject()) {
          throw new InvalidTrainingConfigException(
              "'"
                  + where
                  + "' in "
                  + file
                  + " must be an object, not "
                  + ConfigFiles.describe(group));
        }
        String name =
            ConfigFiles.requiredString((ObjectNode) group, "instance_group_name", file, where);
        instanceGroupsDict.set(name, group);
        groupHosts.put(
            name, ConfigFiles.stringList(group.get("hosts"), where + ".hosts", file, true));
      }
    }
    return new ResourceConfig(
        json,
        currentHost,
        hosts,
        instanceType,
        currentGroup,
        groupHosts,
        instanceGroupsDict,
        networkInterface,
        topology);
  }

  @Override
  public ObjectNode json() {
    return json.deepCopy();
  }

  @Override
  public ObjectNode instanceGroupsDict() {
    return instanceGroupsDict.deepCopy();
  }

  @Override
  public JsonNode topology() {
    return topology.deepCopy();
  }

  /**
   * Returns the instance groups' names, in file order.
   *
   * @return the names
   */
  public List<String> instanceGroups() {
    return List.copyOf(groupHosts.keySet());
  }

  /**
   * Returns the hosts of this host's instance group.
   *
   * @return the hosts, or empty without instance groups
   */
  public List<String> currentInstanceGroupHosts() {
    return groupHosts.getOrDefault(currentInstanceGroup, List.of());
  }

  /**
   * Tells whether the file lists instance groups at all (SageMaker's does; local mode's may not).
   *
   * @return true when {@code instance_groups} is present
   */
  public boolean hasInstanceGroups() {
    return json.has("instance_groups");
  }
}
