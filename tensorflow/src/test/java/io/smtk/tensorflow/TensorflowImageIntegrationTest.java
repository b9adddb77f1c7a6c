package io.smtk.tensorflow;

import io.smtk.images.testing.StandinFrameworkImageTest;

/**
 * Tests for the TensorFlow image on its stand-in base (Debian 11, glibc 2.31, DLC layout), whose
 * {@code tensorflow} package records what it was given.
 */
class TensorflowImageIntegrationTest extends StandinFrameworkImageTest {

  @Override
  protected String framework() {
    return "tensorflow";
  }

  @Override
  protected String decisionLine() {
    return "TensorFlow training: runner PROCESS";
  }

  @Override
  public String condaPrefix() {
    return "/opt/conda";
  }

  @Override
  public String familyGlibc() {
    return "2.31"; // the DLC base is Ubuntu 20.04; the stand-in is Debian 11
  }
}
