package io.smtk.distributed;

import io.smtk.ToolkitException;
import io.smtk.environment.TrainingEnvironment;
import io.smtk.framework.FrameworkEntry;
import io.smtk.framework.TrainingContext;
import java.util.List;
import java.util.Map;

/**
 * A framework entry for tests that chooses its runner as the PyTorch toolkit does ({@link
 * RunnerSelection#forPyTorch}), so {@code sagemaker_torch_distributed_enabled} and {@code
 * sagemaker_distributed_dataparallel_enabled} reach the torch and SMDDP runners through {@code smtk
 * train}; named by its class name in {@code SAGEMAKER_TRAINING_MODULE}.
 */
public final class PyTorchRunnerEntry implements FrameworkEntry {

  @Override
  public List<String> names() {
    return List.of("smtk_test.pytorch_runner:main");
  }

  @Override
  public void train(TrainingContext context) throws ToolkitException {
    TrainingEnvironment environment = context.environment();
    RunnerType runner =
        RunnerSelection.forPyTorch(
            environment.frameworkParameters(),
            environment.currentInstanceGroup(),
            environment.distributionInstanceGroups());
    context.runUserEntryPoint(runner, Map.of());
  }
}
