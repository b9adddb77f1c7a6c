package io.smtk.parity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests that the repository's copy of the parity corpora ({@link ParityCorpus#repositoryCopy()})
 * equals the shared original {@code ../shared/parity} wherever that folder exists, and that the
 * comparison names every kind of difference.
 */
class ParityCorpusCopyTest {

  @Test
  void repositoryCopy_sharedParityPresent_isIdenticalFileByFile() throws Exception {
    Optional<Path> shared = ParityCorpus.shared();
    // A clone of the repository alone has no ../shared: there is nothing to compare with, and the
    // tests use the repository's copy as it is. This is a skip, not a pass.
    Assumptions.assumeTrue(
        shared.isPresent(),
        () ->
            "no shared parity folder at "
                + ParityCorpus.sharedLocation()
                + " (a clone without ../shared): the repository's copy in "
                + ParityCorpus.REPOSITORY_COPY
                + " was not compared with it");
    Path copy = ParityCorpus.repositoryCopy();

    List<String> differences = ParityCorpus.differences(shared.get(), copy);

    assertThat(differences)
        .as(
            "%s differs from %s; copy it again from the project root: rm -rf %s && cp -r %s/. %s/ && chmod -R u+w %s",
            copy,
            shared.get(),
            ParityCorpus.REPOSITORY_COPY,
            shared.get(),
            ParityCorpus.REPOSITORY_COPY,
            ParityCorpus.REPOSITORY_COPY)
        .isEmpty();
  }

  @Test
  void repositoryCopy_always_holdsBothCorporaAndTheFormat() throws Exception {
    Path copy = ParityCorpus.repositoryCopy();

    assertThat(copy.resolve("README.md")).isRegularFile();
    assertThat(ParityCase.readAll(copy.resolve("cases")))
        .as("script-mode cases in %s", copy)
        .isNotEmpty();
    assertThat(copy.resolve("api/README.md")).isRegularFile();
    assertThat(ParityCase.readAll(copy.resolve("api/cases")))
        .as("API cases in %s", copy)
        .isNotEmpty();
    assertThat(copy.resolve("cases/37-shell-command/code/train.sh")).as("mode kept").isExecutable();
  }

  @Test
  void cases_noProperty_isTheRepositoryCopy() {
    Assumptions.assumeTrue(
        System.getProperty("smtk.parity.cases") == null, "-Dsmtk.parity.cases is set");

    assertThat(ParityCorpus.cases()).isEqualTo(ParityCorpus.repositoryCopy().resolve("cases"));
    assertThat(ParityCorpus.cases().toString()).doesNotContain("shared");
  }

  @Test
  void differences_equalTrees_isEmpty(@TempDir Path dir) throws Exception {
    Path original = tree(dir.resolve("original"));
    Path copy = tree(dir.resolve("copy"));

    assertThat(ParityCorpus.differences(original, copy)).isEmpty();
  }

  @Test
  void differences_changedMissingExtraAndModeFiles_namesEachFile(@TempDir Path dir)
      throws Exception {
    Path original = tree(dir.resolve("original"));
    Path copy = tree(dir.resolve("copy"));
    Files.writeString(copy.resolve("cases/01/expected.json"), "{\"exit_code\": 1}\n");
    Files.delete(copy.resolve("cases/01/case.json"));
    Files.writeString(copy.resolve("cases/01/extra.txt"), "x");
    Files.setPosixFilePermissions(
        copy.resolve("cases/02/code/train.sh"), PosixFilePermissions.fromString("rw-r--r--"));

    assertThat(ParityCorpus.differences(original, copy))
        .containsExactly(
            "only in the original: cases/01/case.json",
            "only in the copy: cases/01/extra.txt",
            "content differs: cases/01/expected.json",
            "executable bit differs (original executable): cases/02/code/train.sh");
  }

  private static Path tree(Path root) throws Exception {
    Files.createDirectories(root.resolve("cases/01"));
    Files.createDirectories(root.resolve("cases/02/code"));
    Files.writeString(root.resolve("cases/01/case.json"), "{}\n");
    Files.writeString(root.resolve("cases/01/expected.json"), "{\"exit_code\": 0}\n");
    Path script = Files.writeString(root.resolve("cases/02/code/train.sh"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return root;
  }
}
