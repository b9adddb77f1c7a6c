package io.smtk.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.images.testing.GlibcCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for the image build's glibc check ({@code src/main/build/glibc-check.sh}) and for what it
 * guards: the native parts this module stages run on the oldest catalog base (Ubuntu 20.04, glibc
 * 2.31).
 */
class GlibcCheckTest {

  // An engine that holds nothing and runs nothing, so no test depends on podman or docker.
  private static final GlibcCheck CHECK =
      GlibcCheck.of(Path.of("."), Map.of("SMTK_CONTAINER_ENGINE", "false"));

  @Test
  void needs_stagedImage_atMostTheOldestCatalogGlibc() throws Exception {
    GlibcCheck.Result needs =
        CHECK.run(
            "needs",
            CHECK.stagedImage().resolve("jre").toString(),
            CHECK.stagedImage().resolve("root").toString());

    assertThat(needs.exitCode()).as(needs.output()).isZero();
    String[] version = needs.output().strip().split(" ")[0].split("\\.");
    assertThat(Integer.parseInt(version[0])).isEqualTo(2);
    assertThat(Integer.parseInt(version[1]))
        .as("newest glibc the runtime and the shim need: %s", needs.output())
        .isBetween(2, 31);
  }

  @Test
  void needs_hostnameShim_onlyGlibc225() throws Exception {
    GlibcCheck.Result needs =
        CHECK.run("needs", CHECK.stagedImage().resolve("root/opt/smtk/lib").toString());

    assertThat(needs.exitCode()).as(needs.output()).isZero();
    assertThat(needs.output().strip()).startsWith("2.2.5 ").endsWith("libsmtkhostname.so");
  }

  @Test
  void check_statedBaseGlibcOlderThanNeeded_failsNamingBothAndTheFile() throws Exception {
    GlibcCheck.Result check =
        check(CHECK.stagedImage(), "registry.example/old:1", "--glibc", "2.17");

    assertThat(check.exitCode()).isEqualTo(1);
    assertThat(check.output())
        .contains("glibc check FAILED: the base registry.example/old:1 has glibc 2.17")
        .containsPattern(
            "this image needs glibc 2\\.[0-9]+ \\(/opt/smtk/jre/\\S+ requires GLIBC_2\\.[0-9]+\\)");
  }

  @Test
  void check_tooOldBaseInCommandWithJibGoal_fails() throws Exception {
    GlibcCheck.Result check =
        check(
            CHECK.stagedImage(),
            "registry.example/old:1",
            "--glibc",
            "2.17",
            "--goals",
            "[package, jib:build]");

    assertThat(check.exitCode()).isEqualTo(1);
    assertThat(check.output()).contains("glibc check FAILED").doesNotContain("a warning only");
  }

  @Test
  void check_tooOldBaseInCommandWithoutJibGoal_onlyWarns() throws Exception {
    GlibcCheck.Result check =
        check(
            CHECK.stagedImage(),
            "registry.example/old:1",
            "--glibc",
            "2.17",
            "--goals",
            "[package]");

    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output())
        .contains("glibc check FAILED: the base registry.example/old:1 has glibc 2.17")
        .contains("[a warning only: this Maven command builds no image]");
  }

  @Test
  void check_catalogBaseNotHeldByEngine_usesTheCatalogFigure() throws Exception {
    GlibcCheck.Result check =
        check(
            CHECK.stagedImage(),
            "registry.example/dlc:1",
            "--known",
            "registry.example/dlc:1=2.31",
            "--known",
            "registry.example/dlc-gpu:1=2.27");

    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output())
        .contains("registry.example/dlc:1 has glibc 2.31 (the catalog's figure");
  }

  @Test
  void check_libraryNeeding234OnCatalogBaseWith231_fails(@TempDir Path dir) throws Exception {
    Path image = GlibcCheck.imageNeedingGlibc234(dir);

    GlibcCheck.Result check =
        check(image, "registry.example/dlc:1", "--known", "registry.example/dlc:1=2.31");

    assertThat(check.exitCode()).isEqualTo(1);
    assertThat(check.output())
        .contains("has glibc 2.31 (the catalog's figure")
        .contains("needs glibc 2.34 (/opt/smtk/lib/libneeds234.so requires GLIBC_2.34)");
  }

  @Test
  void check_otherBaseNotHeldByEngine_failsSayingHowToTellIt() throws Exception {
    GlibcCheck.Result check =
        check(
            CHECK.stagedImage(),
            "registry.example/mine:1",
            "--known",
            "registry.example/dlc:1=2.31");

    assertThat(check.exitCode()).isEqualTo(1);
    assertThat(check.output())
        .contains("cannot tell the glibc of registry.example/mine:1")
        .contains("-Dsmtk.base.glibc=X.Y");
  }

  // The check command on an image folder and a base, with more options.
  private static GlibcCheck.Result check(Path imageDir, String base, String... options)
      throws Exception {
    List<String> args =
        new ArrayList<>(List.of("check", "--image-dir", imageDir.toString(), "--base", base));
    args.addAll(List.of(options));
    return CHECK.run(args.toArray(String[]::new));
  }
}
