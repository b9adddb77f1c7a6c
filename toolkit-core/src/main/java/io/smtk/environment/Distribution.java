package io.smtk.environment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which hosts take part in distributed training and which one leads, derived as the Python toolkit
 * derives them from the instance groups and the {@code sagemaker_*} distribution flags.
 *
 * @param instanceGroups the instance groups that take part
 * @param hosts the hosts that take part, in instance-group order
 * @param masterHostname the first of those hosts, else the job's first host
 */
public record Distribution(List<String> instanceGroups, List<String> hosts, String masterHostname) {

  public Distribution {
    instanceGroups = List.copyOf(instanceGroups);
    hosts = List.copyOf(hosts);
  }

  /**
   * Derives the distribution: the groups named by {@code sagemaker_distribution_instance_groups},
   * else the current group when any distribution flag is on; the hosts of those groups (every host
   * without instance groups, as in local mode); the master is the first of them (the reference uses
   * the group's host order, not the sorted {@code hosts}).
   *
   * @param resources the resource configuration
   * @param parameters the framework parameters
   * @return the distribution
   * @throws InvalidTrainingConfigException when the explicit groups are not a list of strings
   */
  static Distribution of(ResourceConfig resources, FrameworkParameters parameters)
      throws InvalidTrainingConfigException {
    List<String> groups;
    if (parameters.has(FrameworkParameters.DISTRIBUTION_INSTANCE_GROUPS)) {
      groups = parameters.get(FrameworkParameters.DISTRIBUTION_INSTANCE_GROUPS);
    } else if (anyOn(parameters, FrameworkParameters.distributionFlags())) {
      groups = List.of(resources.currentInstanceGroup());
    } else {
      groups = List.of();
    }
    List<String> hosts = new ArrayList<>();
    if (resources.hasInstanceGroups()) {
      for (Map.Entry<String, List<String>> group : resources.groupHosts().entrySet()) {
        if (groups.contains(group.getKey())) {
          hosts.addAll(group.getValue());
        }
      }
    } else {
      hosts.addAll(resources.hosts());
    }
    String master = hosts.isEmpty() ? resources.hosts().get(0) : hosts.get(0);
    return new Distribution(groups, hosts, master);
  }

  private static boolean anyOn(
      FrameworkParameters parameters, List<FrameworkParameters.Knob<Boolean>> flags) {
    for (FrameworkParameters.Knob<Boolean> flag : flags) {
      if (parameters.isOn(flag)) {
        return true;
      }
    }
    return false;
  }
}
