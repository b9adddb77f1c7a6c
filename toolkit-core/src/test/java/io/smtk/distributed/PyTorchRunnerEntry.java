package io.smtk.distributed;

import io.smtk.ToolkitException;
import io.smtk.framework.Feature;
import io.smtk.framework.FrameworkEntry;
import io.smtk.framework.Job;
import io.smtk.framework.RunnerType;
import io.smtk.framework.TrainingContext;
import java.util.List;
import java.util.Map;

/**
 * A framework entry for tests that picks the torch, SMDDP or XLA runner from the job's features, so
 * that {@code sagemaker_torch_distributed_enabled} and {@code
 * sagemaker_distributed_dataparallel_enabled} reach those runners through {@code smtk train}; named
 * by its class name in {@code SAGEMAKER_TRAINING_MODULE}.
 */
public final class PyTorchRunnerEntry implements FrameworkEntry {

  @Override
  public List<String> names() {
    return List.of("smtk_test.pytorch_runner:main");
  }

  @Override
  public void train(TrainingContext context) throws ToolkitException {
    Job job = context.job();
    RunnerType runner = RunnerType.PROCESS;
    if (job.inDistribution() && job.has(Feature.TORCH_DISTRIBUTED)) {
      runner = RunnerType.TORCH_DISTRIBUTED;
    } else if (job.inDistribution() && job.has(Feature.SMDDP)) {
      runner = RunnerType.SMDDP;
    } else if (job.inDistribution() && job.has(Feature.PYTORCH_XLA)) {
      runner = RunnerType.PYTORCH_XLA;
    }
    context.runUserEntryPoint(runner, Map.of());
  }
}
