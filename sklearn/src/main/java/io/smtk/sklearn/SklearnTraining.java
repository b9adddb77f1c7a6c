package io.smtk.sklearn;

import io.smtk.ToolkitException;
import io.smtk.framework.FrameworkEntry;
import io.smtk.framework.RunnerType;
import io.smtk.framework.TrainingContext;
import java.util.List;
import java.util.Map;

/**
 * The scikit-learn training entry: runs the user's script once on each host, as the SageMaker
 * scikit-learn container does (no distribution, no extra environment).
 */
public final class SklearnTraining implements FrameworkEntry {

  /** The value the SageMaker scikit-learn images set in {@code SAGEMAKER_TRAINING_MODULE}. */
  public static final String MODULE = "sagemaker_sklearn_container.training:main";

  @Override
  public List<String> names() {
    return List.of(MODULE);
  }

  @Override
  public void train(TrainingContext context) throws ToolkitException {
    context
        .log()
        .info(
            "scikit-learn training: runner "
                + RunnerType.PROCESS
                + ", one process on host "
                + context.job().currentHost());
    context.log().info("Invoking user training script.");
    context.runUserEntryPoint(RunnerType.PROCESS, Map.of());
  }
}
