package io.smtk.parity;

import io.smtk.testing.JobTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Where the parity corpora live: the repository's copy in {@code
 * toolkit-core/src/test/resources/parity} ({@code cases/}, {@code api/}, {@code README.md}), which
 * the tests read, and the shared original in {@code ../shared/parity} next to the checkout, which
 * {@link ParityCorpusCopyTest} keeps it equal to.
 */
final class ParityCorpus {

  /** The repository's copy, relative to the project root. */
  static final String REPOSITORY_COPY = "toolkit-core/src/test/resources/parity";

  /** The shared original, relative to the project root. */
  static final String SHARED = "../shared/parity";

  private ParityCorpus() {}

  /**
   * Returns the repository's copy of the corpora.
   *
   * @return {@code <project>/toolkit-core/src/test/resources/parity}
   */
  static Path repositoryCopy() {
    return JobTree.projectRoot().resolve(REPOSITORY_COPY);
  }

  /**
   * Returns the shared original when it is there: {@code -Dsmtk.parity.shared}, else {@code
   * ../shared/parity} next to the checkout. A clone of the repository alone has none.
   *
   * @return the folder, or empty when it does not exist
   */
  static Optional<Path> shared() {
    Path shared = sharedLocation();
    return Files.isDirectory(shared) ? Optional.of(shared) : Optional.empty();
  }

  /**
   * Returns where the shared original is looked for, whether or not it exists.
   *
   * @return the absolute, normalized path
   */
  static Path sharedLocation() {
    String configured = System.getProperty("smtk.parity.shared");
    Path shared = configured != null ? Path.of(configured) : JobTree.projectRoot().resolve(SHARED);
    return shared.toAbsolutePath().normalize();
  }

  /**
   * Returns the script-mode cases folder: {@code -Dsmtk.parity.cases}, else the repository's {@code
   * cases/}.
   *
   * @return the absolute, normalized path
   */
  static Path cases() {
    return configuredOr("smtk.parity.cases", repositoryCopy().resolve("cases"));
  }

  /**
   * Returns the API corpus folder: {@code -Dsmtk.parity.api}, else the repository's {@code api/}.
   *
   * @return the absolute, normalized path
   */
  static Path api() {
    return configuredOr("smtk.parity.api", repositoryCopy().resolve("api"));
  }

  private static Path configuredOr(String property, Path fallback) {
    String configured = System.getProperty(property);
    return (configured != null ? Path.of(configured) : fallback).toAbsolutePath().normalize();
  }

  /**
   * Compares two trees file by file: the same relative file names, the same bytes, and the same
   * executable bit (what git keeps of a file's mode). Folders count only through the files in them,
   * as in git.
   *
   * @param original the tree that is right
   * @param copy the tree that must equal it
   * @return one line per differing file, e.g. {@code only in the original:
   *     cases/01-minimal/case.json}; empty when the trees are equal
   * @throws IOException when a tree cannot be read
   */
  static List<String> differences(Path original, Path copy) throws IOException {
    Set<String> originalFiles = files(original);
    Set<String> copyFiles = files(copy);
    List<String> differences = new ArrayList<>();
    for (String name : originalFiles) {
      if (!copyFiles.contains(name)) {
        differences.add("only in the original: " + name);
      }
    }
    for (String name : copyFiles) {
      if (!originalFiles.contains(name)) {
        differences.add("only in the copy: " + name);
      }
    }
    for (String name : originalFiles) {
      if (!copyFiles.contains(name)) {
        continue;
      }
      Path a = original.resolve(name);
      Path b = copy.resolve(name);
      if (!Files.isRegularFile(a, LinkOption.NOFOLLOW_LINKS)
          || !Files.isRegularFile(b, LinkOption.NOFOLLOW_LINKS)) {
        differences.add("not a plain file in both: " + name);
      } else if (!Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b))) {
        differences.add("content differs: " + name);
      } else if (executable(a) != executable(b)) {
        differences.add(
            "executable bit differs (original "
                + (executable(a) ? "executable" : "not executable")
                + "): "
                + name);
      }
    }
    return differences;
  }

  /** Every non-folder entry under the root, by its relative path with '/' separators, sorted. */
  private static Set<String> files(Path root) throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.toList()) {
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          names.add(root.relativize(path).toString().replace('\\', '/'));
        }
      }
    }
    return names;
  }

  private static boolean executable(Path file) throws IOException {
    return Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_EXECUTE);
  }
}
