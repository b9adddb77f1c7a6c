package io.smtk.images.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/**
 * Decides whether the image tests run: they need the test image the {@code image-tests} profile
 * pushed and podman's Docker API; in CI ({@code CI=true}) a missing piece fails the test, elsewhere
 * it skips it.
 */
public final class ImageTests {

  private ImageTests() {}

  /**
   * Returns the test image of the module under test, or stops the test when the image tests are
   * off.
   *
   * @return the image reference, e.g. {@code 127.0.0.1:5000/smtk-test/sklearn-training:cpu}
   */
  public static String testImage() {
    return requireProperty("smtk.test.image");
  }

  /**
   * Returns the test image of the module under test after pulling it from the test registry into
   * podman, for a test that runs it other than through {@link TrainingContainer} (the {@code
   * podman} command, an image inspection), or stops the test when the image tests are off. Nothing
   * may come from an earlier run: without the pull a fresh podman store has no such image, and an
   * old one has a stale copy under the same tag.
   *
   * @return the image reference, now in podman's store
   */
  public static String pulledTestImage() {
    return pull(testImage());
  }

  /**
   * Pulls an image into podman's store through its Docker API (the store the {@code podman} command
   * uses too), replacing any copy under the same name.
   *
   * @param image the image reference
   * @return the same reference
   */
  public static String pull(String image) {
    try {
      DockerClientFactory.instance().client().pullImageCmd(image).start().awaitCompletion();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while pulling " + image, e);
    }
    return image;
  }

  /**
   * Returns a system property the failsafe configuration sets, after checking that the image tests
   * are on.
   *
   * @param name the property
   * @return its value
   */
  public static String requireProperty(String name) {
    boolean ci = "true".equals(System.getenv("CI"));
    if (!"false".equals(System.getProperty("smtk.test.imageTestsSkipped"))) {
      unavailable(
          ci,
          "the image tests are off: run `mvn verify -Pimage-tests` (needs podman, "
              + ".ci/install-system-packages.sh installs it)");
    }
    String dockerHost = System.getenv("DOCKER_HOST");
    if (dockerHost == null
        || !dockerHost.startsWith("unix://")
        || !Files.exists(Path.of(dockerHost.substring("unix://".length())))) {
      unavailable(
          ci,
          "no podman API socket at DOCKER_HOST="
              + dockerHost
              + " (.ci/images-prepare.sh starts it)");
    }
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      unavailable(
          ci, "system property " + name + " is not set (failsafe configuration of the parent pom)");
    }
    return value;
  }

  private static void unavailable(boolean ci, String why) {
    if (ci) {
      Assertions.fail("CI=true and " + why);
    }
    Assumptions.abort(why);
  }
}
