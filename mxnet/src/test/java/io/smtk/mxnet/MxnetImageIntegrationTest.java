package io.smtk.mxnet;

import io.smtk.images.testing.StandinFrameworkImageTest;

/**
 * Tests for the MXNet image on its stand-in base (Debian 11, glibc 2.31, DLC layout), whose {@code
 * mxnet} package records what it was given.
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

  @Override
  public String condaPrefix() {
    return "/opt/conda";
  }

  @Override
  public String familyGlibc() {
    return "2.31"; // the DLC base is Ubuntu 20.04; the stand-in is Debian 11
  }
}
