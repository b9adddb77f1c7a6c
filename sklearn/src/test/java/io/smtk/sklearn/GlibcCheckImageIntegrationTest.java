package io.smtk.sklearn;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.images.testing.GlibcCheck;
import io.smtk.images.testing.ImageTests;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for the image build's glibc check against a real base of the oldest family the catalog has
 * (the scikit-learn stand-in: Debian 11, glibc 2.31, as Ubuntu 20.04), whose glibc it reads from
 * the base itself.
 */
class GlibcCheckImageIntegrationTest {

  private static final GlibcCheck CHECK = GlibcCheck.of(Path.of("../images"), Map.of());

  @Test
  void check_imageNeedingGlibc234OnGlibc231Base_failsNamingBoth(@TempDir Path dir)
      throws Exception {
    String base = ImageTests.testBase();
    Path image = GlibcCheck.imageNeedingGlibc234(dir);

    GlibcCheck.Result check =
        CHECK.run("check", "--image-dir", image.toString(), "--base", base, "--pull");

    assertThat(check.exitCode()).as(check.output()).isEqualTo(1);
    assertThat(check.output())
        .contains(
            "glibc check FAILED: the base "
                + base
                + " has glibc 2.31 (read from the base with podman)")
        .contains("this image needs glibc 2.34 (/opt/smtk/lib/libneeds234.so requires GLIBC_2.34)");
  }

  @Test
  void check_stagedImageOnGlibc231Base_passes() throws Exception {
    String base = ImageTests.testBase();

    GlibcCheck.Result check =
        CHECK.run("check", "--image-dir", CHECK.stagedImage().toString(), "--base", base, "--pull");

    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output())
        .contains(base + " has glibc 2.31 (read from the base with podman)")
        .endsWith(": ok\n");
  }
}
