package io.smtk.local;

import io.smtk.archive.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * File helpers for local jobs: copying with progress, measuring, removing and handing over trees.
 */
final class LocalFiles {

  private static final int BUFFER = 1 << 16;

  private LocalFiles() {}

  /** The number of regular files under a path and their total size. */
  record Size(long files, long bytes) {}

  /**
   * Measures a folder (or one file).
   *
   * @param root the folder or file
   * @return its regular files and their bytes
   * @throws IOException when it cannot be listed
   */
  static Size size(Path root) throws IOException {
    long[] totals = new long[2];
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return new Size(0, 0);
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile()) {
              totals[0]++;
              totals[1] += attrs.size();
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return new Size(totals[0], totals[1]);
  }

  /**
   * Copies a folder's contents (or one file) into {@code target}, keeping modes and symbolic links,
   * and reports progress.
   *
   * @param source a folder or a file
   * @param target the folder to copy into; created
   * @param log receives progress lines
   * @param label names the step in those lines
   * @throws IOException when a file cannot be copied
   */
  static void copy(Path source, Path target, Consumer<String> log, String label)
      throws IOException {
    Files.createDirectories(target);
    Size size = size(source);
    Progress progress = new Progress(log, label, size.bytes(), size.files());
    if (Files.isRegularFile(source)) {
      copyFile(source, target.resolve(source.getFileName().toString()), progress);
      progress.done();
      return;
    }
    FileTrees.copy(source, target, (file, to) -> copyFile(file, to, progress));
    progress.done();
  }

  private static void copyFile(Path file, Path to, Progress progress) throws IOException {
    byte[] buffer = new byte[BUFFER];
    try (InputStream in = Files.newInputStream(file);
        OutputStream out = Files.newOutputStream(to)) {
      int read;
      while ((read = in.read(buffer)) > 0) {
        out.write(buffer, 0, read);
        progress.bytes(read);
      }
    }
    Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(file));
    Files.setLastModifiedTime(to, Files.getLastModifiedTime(file));
    progress.file();
  }

  /**
   * Removes a tree, leaving nothing behind that can be removed.
   *
   * @param root the tree
   * @throws IOException naming the first entry that could not be removed
   */
  static void delete(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    IOException[] first = new IOException[1];
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.deleteIfExists(path);
                } catch (IOException e) {
                  if (first[0] == null) {
                    first[0] = e;
                  }
                }
              });
    }
    if (first[0] != null) {
      throw first[0];
    }
  }

  /**
   * Gives a file to the invoking user.
   *
   * @param path the file
   * @param owner the uid and gid, or null to leave it
   * @throws IOException when the owner cannot be changed
   */
  static void chown(Path path, FileOwner owner) throws IOException {
    if (owner != null) {
      Files.setAttribute(path, "unix:uid", owner.uid(), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(path, "unix:gid", owner.gid(), LinkOption.NOFOLLOW_LINKS);
    }
  }

  /**
   * Returns the uid this process creates files as.
   *
   * @param probe a folder this process created
   * @return the uid
   * @throws IOException when it cannot be read
   */
  static int uidOf(Path probe) throws IOException {
    return (Integer) Files.getAttribute(probe, "unix:uid");
  }
}
