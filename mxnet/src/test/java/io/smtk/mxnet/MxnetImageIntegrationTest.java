package io.smtk.mxnet;

import io.smtk.images.testing.StandinFrameworkImageTest;

/**
 * Tests for the MXNet image on the stand-in base, whose {@code mxnet} package records what it was
 * given.
 */
class MxnetImageIntegrationTest extends StandinFrameworkImageTest {

  @Override
  protected String framework() {
    return "mxnet";
  }

  @Override
  protected String decisionLine() {
    return "MXNet training: runner PROCESS";
  }
}
