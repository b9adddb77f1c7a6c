package io.smtk.environment;

/**
 * SageMaker model parallelism as the toolkit sees it: the {@code SM_HP_MP_PARAMETERS} variable (the
 * user's {@code mp_parameters} hyperparameter, once exported) and whether it turns model
 * parallelism on.
 */
public final class ModelParallel {

  /** The variable holding the model-parallel parameters as JSON. */
  public static final String VARIABLE = "SM_HP_MP_PARAMETERS";

  private ModelParallel() {}

  /**
   * Tells whether the parameters turn model parallelism on: set, and not the empty object, as the
   * Python toolkit's {@code mp and mp != "{}"}.
   *
   * @param parameters the variable's value, or null when unset
   * @return true when on
   */
  public static boolean isEnabled(String parameters) {
    return parameters != null && !parameters.isEmpty() && !parameters.equals("{}");
  }
}
