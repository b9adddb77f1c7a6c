package io.smtk.tensorflow;

import io.smtk.images.testing.StandinFrameworkImageTest;

/**
 * Tests for the TensorFlow image on the stand-in base, whose {@code tensorflow} package records
 * what it was given.
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
}
