package io.smtk.outcome;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes the files SageMaker reads a job's outcome from: {@code output/success} and {@code
 * output/failure}.
 */
public final class OutcomeFiles {

  private final Path outputDir;

  private OutcomeFiles(Path outputDir) {
    this.outputDir = outputDir;
  }

  /**
   * Returns the outcome files of an output directory.
   *
   * @param outputDir {@code <base>/output}
   * @return the outcome files
   */
  public static OutcomeFiles in(Path outputDir) {
    return new OutcomeFiles(outputDir);
  }

  /**
   * Returns the success file's path.
   *
   * @return {@code <output>/success}
   */
  public Path successFile() {
    return outputDir.resolve("success");
  }

  /**
   * Returns the failure file's path.
   *
   * @return {@code <output>/failure}
   */
  public Path failureFile() {
    return outputDir.resolve("failure");
  }

  /**
   * Returns whether a failure file exists, for example one the user's script wrote.
   *
   * @return true when it exists
   */
  public boolean failureExists() {
    return Files.exists(failureFile());
  }

  /**
   * Writes an empty success file, replacing one that exists.
   *
   * @throws IOException when it cannot be written
   */
  public void writeSuccess() throws IOException {
    Files.createDirectories(outputDir);
    Files.write(successFile(), new byte[0]);
  }

  /**
   * Writes the failure file unless one exists already: a reason the user's script wrote is kept.
   *
   * @param reason the failure reason
   * @return true when this call wrote the file, false when a failure file was already there
   * @throws IOException when it cannot be written
   */
  public boolean writeFailure(String reason) throws IOException {
    Files.createDirectories(outputDir);
    try {
      // CREATE_NEW makes "exists?" and "write" one step, so a file the user writes at the same
      // moment wins.
      Files.write(
          failureFile(),
          reason.getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    }
  }
}
