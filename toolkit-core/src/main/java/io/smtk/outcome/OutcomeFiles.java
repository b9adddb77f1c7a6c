package io.smtk.outcome;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes the files SageMaker reads a job's outcome from: {@code output/success} and {@code
 * output/failure}.
 */
public final class OutcomeFiles {

  /** The hidden file that holds the failure file's room while the job runs. */
  public static final String RESERVE_NAME = ".smtk-failure-reserve";

  /** The room set aside: the part SageMaker shows (1024 characters) in any UTF-8, with margin. */
  static final int RESERVE_BYTES = 8192;

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
   * Sets room aside for the failure file (a hidden {@value #RESERVE_NAME} of {@value
   * #RESERVE_BYTES} bytes in the output folder), so that a job that fills the disk still gets its
   * failure reason written; best effort, and a no-op when the output folder is missing.
   *
   * @return true when the room is reserved
   */
  public boolean reserveFailureSpace() {
    if (!Files.isDirectory(outputDir)) {
      return false;
    }
    Path reserve = outputDir.resolve(RESERVE_NAME);
    try {
      Files.write(reserve, " ".repeat(RESERVE_BYTES).getBytes(StandardCharsets.US_ASCII));
      return true;
    } catch (IOException e) {
      deleteQuietly(reserve);
      return false;
    }
  }

  /** Gives the room set aside for the failure file back; idempotent. */
  public void releaseFailureSpace() {
    deleteQuietly(outputDir.resolve(RESERVE_NAME));
  }

  /**
   * Writes the failure file unless one exists already: a reason the user's script wrote is kept.
   * Control characters are escaped ({@link FailureReport#printable}), since SageMaker shows the
   * file as text. The file takes over the room {@link #reserveFailureSpace()} set aside, so a full
   * disk still leaves the first lines in it; without that room the first line is written first,
   * alone.
   *
   * @param reason the failure reason
   * @return true when this call wrote the file, false when a failure file was already there
   * @throws IOException when it cannot be written, or only partly (the disk is full): the file then
   *     keeps the whole lines that fit
   */
  public boolean writeFailure(String reason) throws IOException {
    Files.createDirectories(outputDir);
    byte[] bytes = FailureReport.printable(reason).getBytes(StandardCharsets.UTF_8);
    Path reserve = outputDir.resolve(RESERVE_NAME);
    if (Files.isRegularFile(reserve, LinkOption.NOFOLLOW_LINKS)) {
      try {
        // link(2) makes "exists?" and "create" one step, so a file the user writes at the same
        // moment wins, as CREATE_NEW does; the reserved blocks become the failure file's.
        Files.createLink(failureFile(), reserve);
        deleteQuietly(reserve);
        overwrite(failureFile(), bytes);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      } catch (IOException | UnsupportedOperationException e) {
        if (Files.exists(failureFile(), LinkOption.NOFOLLOW_LINKS)) {
          throw e instanceof IOException io ? io : new IOException(e);
        }
        // No hard links here: write it plainly below.
      }
    }
    try (FileChannel channel =
        FileChannel.open(failureFile(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      // CREATE_NEW makes "exists?" and "write" one step, so a file the user writes at the same
      // moment wins.
      int firstLine = firstLineEnd(bytes);
      write(channel, bytes, 0, firstLine);
      write(channel, bytes, firstLine, bytes.length);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    }
  }

  /** Writes into blocks the file already has; on a full disk keeps the whole lines that fit. */
  private static void overwrite(Path file, byte[] bytes) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      write(channel, bytes, 0, bytes.length);
      channel.truncate(bytes.length);
    }
  }

  private static void write(FileChannel channel, byte[] bytes, int from, int to)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes, from, to - from);
    try {
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    } catch (IOException e) {
      int written = buffer.position();
      int keep = Math.max(lastLineEnd(bytes, written), Math.min(written, firstLineEnd(bytes)));
      channel.truncate(keep);
      throw new IOException(
          "the failure file keeps only its first " + keep + " of " + bytes.length + " bytes: " + e,
          e);
    }
  }

  private static int firstLineEnd(byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        return i + 1;
      }
    }
    return bytes.length;
  }

  private static int lastLineEnd(byte[] bytes, int limit) {
    for (int i = limit - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i + 1;
      }
    }
    return 0;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A hidden leftover in the output folder; the outcome itself matters more.
    }
  }
}
