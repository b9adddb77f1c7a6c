package io.smtk.python;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Python's truth rules for decoded JSON values, which decide how flags such as {@code
 * sagemaker_mpi_enabled} read.
 */
public final class PythonValues {

  private PythonValues() {}

  /**
   * Returns Python's {@code bool(value)}: false for None, False, 0, 0.0, "", [] and {}; true
   * otherwise (so the string {@code "false"} is true, as it is for the Python toolkit).
   *
   * @param value a decoded value, or null for a missing one
   * @return its truth value
   */
  public static boolean truthy(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return false;
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isNumber()) {
      return value.isIntegralNumber()
          ? value.bigIntegerValue().signum() != 0
          : value.doubleValue() != 0.0;
    }
    if (value.isTextual()) {
      return !value.textValue().isEmpty();
    }
    if (value.isContainerNode()) {
      return value.size() > 0;
    }
    return true;
  }
}
