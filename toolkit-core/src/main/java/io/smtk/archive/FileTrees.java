package io.smtk.archive;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Copies folder trees keeping modes and symbolic links (links are copied as links, never followed).
 */
public final class FileTrees {

  /** Copies one regular file; a caller may count bytes or report progress on the way. */
  @FunctionalInterface
  public interface FileCopier {
    /**
     * Copies a regular file.
     *
     * @param file the source
     * @param target where it goes
     * @throws IOException when it cannot be copied
     */
    void copy(Path file, Path target) throws IOException;
  }

  private FileTrees() {}

  /**
   * Copies the contents of {@code source} into {@code target} (which may exist), with {@code
   * Files.copy} for regular files.
   *
   * @param source the folder to copy
   * @param target the folder to copy into
   * @throws IOException when a file cannot be copied
   */
  public static void copy(Path source, Path target) throws IOException {
    copy(source, target, (file, to) -> Files.copy(file, to, StandardCopyOption.COPY_ATTRIBUTES));
  }

  /**
   * Copies the contents of {@code source} into {@code target}, regular files with {@code copier}.
   *
   * @param source the folder to copy
   * @param target the folder to copy into
   * @param copier copies each regular file
   * @throws IOException when a file cannot be copied
   */
  public static void copy(Path source, Path target, FileCopier copier) throws IOException {
    Files.walkFileTree(
        source,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Path to = target.resolve(source.relativize(dir).toString());
            if (!Files.isDirectory(to)) {
              Files.copy(dir, to, StandardCopyOption.COPY_ATTRIBUTES);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Path to = target.resolve(source.relativize(file).toString());
            if (attrs.isRegularFile()) {
              copier.copy(file, to);
            } else {
              Files.copy(file, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * Deletes a file, a symbolic link (not what it points to) or a folder with everything in it.
   *
   * @param path what to delete; nothing happens when it does not exist
   * @throws IOException when something cannot be deleted
   */
  public static void delete(Path path) throws IOException {
    SafeTarExtractor.deleteRecursively(path);
  }
}
