package io.smtk.framework;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a framework entry knows of the training job: its hosts, distribution, hardware and the
 * user's hyperparameters, read and validated by the toolkit.
 *
 * @param currentHost this host, e.g. {@code algo-1}
 * @param hosts every host of the job
 * @param currentInstanceGroup this host's instance group
 * @param distributionInstanceGroups the instance groups that take part in distribution
 * @param distributionHosts the hosts that take part in distribution (the master first)
 * @param masterHostname the first distribution host (or the first host)
 * @param networkInterfaceName the network interface of the job's network, e.g. {@code eth0}
 * @param numGpus GPUs on this host
 * @param numNeurons Neuron cores on this host
 * @param region the job's region, or ""
 * @param trainingJobName {@code TRAINING_JOB_NAME}, or ""
 * @param modelDir where the model goes ({@code /opt/ml/model})
 * @param hyperparameters the user's hyperparameters, each as Python's {@code str()} of its decoded
 *     value (a JSON null is left out)
 * @param features the features the job's {@code sagemaker_*} hyperparameters turn on
 */
public record Job(
    String currentHost,
    List<String> hosts,
    String currentInstanceGroup,
    List<String> distributionInstanceGroups,
    List<String> distributionHosts,
    String masterHostname,
    String networkInterfaceName,
    int numGpus,
    int numNeurons,
    String region,
    String trainingJobName,
    Path modelDir,
    Map<String, String> hyperparameters,
    Set<Feature> features) {

  public Job {
    hosts = List.copyOf(hosts);
    distributionInstanceGroups = List.copyOf(distributionInstanceGroups);
    distributionHosts = List.copyOf(distributionHosts);
    hyperparameters = Map.copyOf(hyperparameters);
    features = Set.copyOf(features);
  }

  /**
   * Tells whether the job's hyperparameters turn a feature on.
   *
   * @param feature the feature
   * @return true when on
   */
  public boolean has(Feature feature) {
    return features.contains(feature);
  }

  /**
   * Tells whether this host's instance group takes part in distribution.
   *
   * @return true when it does
   */
  public boolean inDistribution() {
    return distributionInstanceGroups.contains(currentInstanceGroup);
  }

  /**
   * Returns a user hyperparameter as Python's {@code str()} shows it.
   *
   * @param name the hyperparameter
   * @return the value, or empty when absent or null
   */
  public Optional<String> hyperparameter(String name) {
    return Optional.ofNullable(hyperparameters.get(name));
  }
}
