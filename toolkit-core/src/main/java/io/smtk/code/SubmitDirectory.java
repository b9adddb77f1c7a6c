package io.smtk.code;

import io.smtk.ToolkitException;
import io.smtk.archive.FileTrees;
import io.smtk.environment.InvalidTrainingConfigException;
import io.smtk.logging.ToolkitLog;
import io.smtk.process.StopCheck;
import io.smtk.process.TrainingStoppedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Puts the user's code from {@code sagemaker_submit_directory} (an S3 archive, a local directory, a
 * local archive or a single file) into the code directory.
 *
 * <p>Code that is already in the code directory wins, as with the Python toolkit (images bake code
 * into {@code /opt/ml/code}); unlike the Python toolkit we say so in the log, naming both places.
 */
public final class SubmitDirectory {

  private final CodeFetcher remote;
  private final ArchiveExtractor extractor;
  private final ToolkitLog log;
  private final StopCheck stop;

  private SubmitDirectory(
      CodeFetcher remote, ArchiveExtractor extractor, ToolkitLog log, StopCheck stop) {
    this.remote = remote;
    this.extractor = extractor;
    this.log = log;
    this.stop = stop;
  }

  /**
   * Creates a provisioner.
   *
   * @param remote fetches {@code s3://} archives (and stops when the job is told to)
   * @param extractor extracts local archives (and stops when the job is told to)
   * @param log the toolkit's log
   * @param stop asked before each file of a copied directory
   * @return the provisioner
   */
  public static SubmitDirectory of(
      CodeFetcher remote, ArchiveExtractor extractor, ToolkitLog log, StopCheck stop) {
    return new SubmitDirectory(remote, extractor, log, stop);
  }

  /**
   * Makes the code directory hold the user's code.
   *
   * @param submitDirectory the {@code sagemaker_submit_directory} value (the code directory itself
   *     when it was not given)
   * @param codeDir the code directory
   * @throws ToolkitException when the code cannot be fetched, copied or extracted
   */
  public void provision(String submitDirectory, Path codeDir) throws ToolkitException {
    try {
      Files.createDirectories(codeDir);
    } catch (IOException e) {
      throw new ToolkitException(
          "Cannot create the code directory " + codeDir + ": " + e.getMessage(), e);
    }
    if (Path.of(submitDirectory)
        .toAbsolutePath()
        .normalize()
        .equals(codeDir.toAbsolutePath().normalize())) {
      return;
    }
    if (!isEmpty(codeDir)) {
      log.warning(
          "The code directory "
              + codeDir
              + " already holds files; using them and ignoring "
              + "sagemaker_submit_directory "
              + submitDirectory);
      return;
    }
    if (isRemote(submitDirectory)) {
      log.info("Downloading the user's code from " + submitDirectory);
      remote.fetch(submitDirectory, codeDir);
      return;
    }
    Path source = Path.of(submitDirectory);
    if (Files.isDirectory(source)) {
      log.info("Copying the user's code from " + source);
      copyTree(source, codeDir);
    } else if (Files.isRegularFile(source)) {
      if (looksLikeArchive(source)) {
        log.info("Extracting the user's code from " + source);
        extractor.extract(source, codeDir);
      } else {
        copyFile(source, codeDir.resolve(source.getFileName()));
      }
    } else {
      throw new InvalidTrainingConfigException(
          "sagemaker_submit_directory "
              + submitDirectory
              + " does not exist (neither s3:// nor a local "
              + "directory or file)");
    }
  }

  /**
   * Returns whether a file is meant to be a tar archive: by its name, or by gzip or tar magic
   * bytes.
   *
   * @param file the file
   * @return true for {@code .tar.gz}, {@code .tgz}, {@code .tar} or archive content
   */
  static boolean looksLikeArchive(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".tar.gz") || name.endsWith(".tgz") || name.endsWith(".tar")) {
      return true;
    }
    byte[] head = new byte[262];
    int read;
    try (InputStream in = Files.newInputStream(file)) {
      read = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      return false;
    }
    boolean gzip = read >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
    boolean tar =
        read >= 262
            && new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar");
    return gzip || tar;
  }

  /**
   * Whether {@link #provision} will download the code: an {@code s3://} submit directory and a code
   * directory that is missing or empty (otherwise the files there are used).
   *
   * @param submitDirectory the {@code sagemaker_submit_directory} value
   * @param codeDir the code directory
   * @return true when the code will come from S3
   */
  public static boolean downloads(String submitDirectory, Path codeDir) {
    if (!isRemote(submitDirectory)) {
      return false;
    }
    try {
      return !Files.isDirectory(codeDir) || isEmpty(codeDir);
    } catch (ToolkitException e) {
      return false; // provision reports it
    }
  }

  private static boolean isRemote(String submitDirectory) {
    return submitDirectory.toLowerCase(Locale.ROOT).startsWith("s3://");
  }

  private static boolean isEmpty(Path dir) throws ToolkitException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      throw new ToolkitException(
          "Cannot list the code directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Copies into the empty code directory; whatever stops the copy leaves it empty again. */
  private void copyTree(Path source, Path target) throws ToolkitException {
    String detail = "while copying the user's code from " + source;
    boolean copied = false;
    try {
      FileTrees.copy(
          source,
          target,
          (file, to) -> {
            try {
              stop.checkStopped(detail);
            } catch (TrainingStoppedException e) {
              throw new StoppedCopy(e);
            }
            Files.copy(file, to, StandardCopyOption.COPY_ATTRIBUTES);
          });
      stop.checkStopped(detail);
      copied = true;
    } catch (StoppedCopy e) {
      throw e.stopped;
    } catch (IOException e) {
      throw new ToolkitException(
          "Cannot copy the user's code from " + source + " to " + target + ": " + e, e);
    } finally {
      if (!copied) {
        emptyQuietly(target);
      }
    }
  }

  private static void emptyQuietly(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        FileTrees.delete(entry);
      }
    } catch (IOException | RuntimeException e) {
      // The original failure matters more; what is left is named in the log by the next step.
    }
  }

  /** Carries a stop through the copier, which may only throw IOException. */
  private static final class StoppedCopy extends IOException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // never serialized: caught in copyTree
    final TrainingStoppedException stopped;

    StoppedCopy(TrainingStoppedException stopped) {
      super(stopped.getMessage(), stopped);
      this.stopped = stopped;
    }
  }

  private static void copyFile(Path source, Path target) throws ToolkitException {
    try {
      Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
    } catch (IOException e) {
      throw new ToolkitException("Cannot copy " + source + " to " + target + ": " + e, e);
    }
  }
}
