package io.smtk.distributed.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Makes the SSH keys of one job at its start with {@code ssh-keygen}, in private temporary folders:
 * no key is ever committed or baked into an image.
 */
final class SshKeys {

  static final String SSH_KEYGEN = "/usr/bin/ssh-keygen";

  private SshKeys() {}

  /** Creates a folder only the toolkit's user can read. */
  static Path privateDirectory(String prefix) throws IOException {
    return Files.createTempDirectory(
        prefix, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  /** Generates an Ed25519 key pair without a passphrase: {@code key} and {@code key.pub}. */
  static void generate(Path key, String comment) throws IOException {
    Path output = key.resolveSibling(key.getFileName() + ".keygen.log");
    Process keygen =
        new ProcessBuilder(
                SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key.toString())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      if (!keygen.waitFor(30, TimeUnit.SECONDS)) {
        keygen.destroyForcibly();
        throw new IOException(SSH_KEYGEN + " did not finish within 30 s");
      }
    } catch (InterruptedException e) {
      keygen.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + SSH_KEYGEN, e);
    }
    if (keygen.exitValue() != 0) {
      throw new IOException(
          SSH_KEYGEN
              + " failed with exit code "
              + keygen.exitValue()
              + ": "
              + Files.readString(output, StandardCharsets.UTF_8).strip());
    }
    Files.deleteIfExists(output);
  }

  /** Deletes a folder and everything in it, ignoring failures (it is a temporary folder). */
  static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | RuntimeException e) {
      // A temporary folder: the system cleans it up eventually.
    }
  }
}
