package io.smtk.framework;

import io.smtk.ToolkitException;
import java.util.List;

/**
 * A framework's training entry, selected by {@code SAGEMAKER_TRAINING_MODULE}; implementations are
 * found with {@link java.util.ServiceLoader} ({@code
 * META-INF/services/io.smtk.framework.FrameworkEntry}) and need a public no-argument constructor.
 */
public interface FrameworkEntry {

  /**
   * Returns the {@code SAGEMAKER_TRAINING_MODULE} values that select this entry besides its class
   * name, usually the Python toolkit's {@code module:function} so that existing images and jobs
   * keep working (e.g. {@code sagemaker_pytorch_container.training:main}).
   *
   * @return the names, possibly empty
   */
  List<String> names();

  /**
   * Runs the training job; returning normally means success.
   *
   * @param context the job: its environment, log and the means to run the user's entry point
   * @throws ToolkitException when the job fails; its failure reason goes to the failure file
   */
  void train(TrainingContext context) throws ToolkitException;
}
