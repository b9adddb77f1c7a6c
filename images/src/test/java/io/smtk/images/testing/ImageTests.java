package io.smtk.images.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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
   * Returns the base the module's test images were built on: the stand-in, pinned by the digest it
   * was pushed with ({@code 127.0.0.1:5000/smtk-base-<name>@sha256:...}).
   *
   * @return the base reference
   */
  public static String testBase() {
    return requireProperty("smtk.test.base");
  }

  /**
   * Returns the release tags the CPU test image was pushed under besides its test tag: the
   * DLC-style tag and its short alias ({@code images/CATALOG.md}).
   *
   * @return for example {@code [2.5.1-cpu-py311-ubuntu22.04-sagemaker, 2.5.1-cpu-py311]}
   */
  public static List<String> releaseTags() {
    return Arrays.asList(requireProperty("smtk.test.releaseTags").split(","));
  }

  /**
   * Asks the test registry which manifest a tag or digest names, as a registry client resolves it.
   *
   * @param reference {@code 127.0.0.1:5000/<repository>:<tag>} or {@code ...@sha256:...}
   * @return the manifest digest, {@code sha256:...}
   * @throws IOException when the registry does not know the reference
   * @throws InterruptedException when interrupted while asking
   */
  public static String registryDigest(String reference) throws IOException, InterruptedException {
    int slash = reference.indexOf('/');
    int at = reference.indexOf('@');
    int colon = reference.lastIndexOf(':');
    int split = at >= 0 ? at : colon;
    if (slash < 0 || split < slash) {
      throw new IllegalArgumentException(reference + " names no tag or digest in a registry");
    }
    URI uri =
        URI.create(
            "http://"
                + reference.substring(0, slash)
                + "/v2/"
                + reference.substring(slash + 1, split)
                + "/manifests/"
                + reference.substring(split + 1));
    // Jib pushes Docker v2.2 manifests (format Docker); the stand-in bases come from skopeo, which
    // may push OCI.
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .method("HEAD", HttpRequest.BodyPublishers.noBody())
            .header(
                "Accept",
                "application/vnd.docker.distribution.manifest.v2+json, "
                    + "application/vnd.oci.image.manifest.v1+json")
            .build();
    HttpResponse<Void> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() != 200) {
      throw new IOException(reference + ": registry answered " + response.statusCode());
    }
    return response
        .headers()
        .firstValue("Docker-Content-Digest")
        .orElseThrow(
            () -> new IOException(reference + ": no Docker-Content-Digest from the registry"));
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
