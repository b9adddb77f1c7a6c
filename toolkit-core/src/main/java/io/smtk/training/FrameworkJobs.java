package io.smtk.training;

import com.fasterxml.jackson.databind.JsonNode;
import io.smtk.environment.FrameworkParameters;
import io.smtk.environment.TrainingEnvironment;
import io.smtk.framework.Feature;
import io.smtk.framework.Job;
import io.smtk.python.PythonRepr;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Shows a {@link TrainingEnvironment} to framework entries as the SPI's {@link Job}. */
final class FrameworkJobs {

  private FrameworkJobs() {}

  /**
   * Returns the job as framework entries see it.
   *
   * @param environment the training environment
   * @return the job
   */
  static Job of(TrainingEnvironment environment) {
    Map<String, String> hyperparameters = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it =
            environment.hyperparameters().properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!entry.getValue().isNull()) {
        hyperparameters.put(entry.getKey(), PythonRepr.str(entry.getValue()));
      }
    }
    Set<Feature> features = EnumSet.noneOf(Feature.class);
    for (Feature feature : Feature.values()) {
      if (isOn(environment.frameworkParameters(), feature)) {
        features.add(feature);
      }
    }
    return new Job(
        environment.currentHost(),
        environment.hosts(),
        environment.currentInstanceGroup(),
        environment.distributionInstanceGroups(),
        environment.distributionHosts(),
        environment.masterHostname(),
        environment.networkInterfaceName(),
        environment.numGpus(),
        environment.numNeurons(),
        environment.sagemakerRegion(),
        environment.jobName().orElse(""),
        environment.modelDir(),
        hyperparameters,
        features);
  }

  /**
   * Each feature's hyperparameter; the switch fails to compile when a feature is added without one.
   */
  private static boolean isOn(FrameworkParameters params, Feature feature) {
    return switch (feature) {
      case MPI -> params.isOn(FrameworkParameters.MPI_ENABLED);
      case PARAMETER_SERVER -> params.isOn(FrameworkParameters.PARAMETER_SERVER_ENABLED);
      case SMDDP -> params.isOn(FrameworkParameters.SMDDP_ENABLED);
      case PYTORCH_DDP -> params.isOn(FrameworkParameters.PYTORCH_DDP_ENABLED);
      case TORCH_DISTRIBUTED -> params.isOn(FrameworkParameters.TORCH_DISTRIBUTED_ENABLED);
      case PYTORCH_XLA -> params.isOn(FrameworkParameters.PYTORCH_XLA_ENABLED);
      case MULTI_WORKER_MIRRORED -> params.isOn(FrameworkParameters.MULTI_WORKER_MIRRORED_ENABLED);
      case HYPERPARAMETER_TUNING -> params.has(FrameworkParameters.TUNING_OBJECTIVE_METRIC);
    };
  }
}
