package io.smtk.local;

import io.smtk.archive.UnixModes;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Packs a folder into a {@code .tar.gz} as SageMaker packs {@code /opt/ml/model}: entries relative
 * to the folder, modes kept, symbolic links as links.
 *
 * <p>The archive is written under a hidden temporary name in the target folder and moved into
 * place, so an interrupted run never leaves a half-written archive under the final name.
 */
final class Archives {

  private static final int BUFFER = 1 << 16;

  private Archives() {}

  /**
   * Packs {@code source} into {@code archive}.
   *
   * @param source the folder to pack (may be empty)
   * @param archive the archive to write; replaced if it exists
   * @param log receives progress lines
   * @param label names the step in those lines
   * @throws IOException when it cannot be written; no file is left at {@code archive} then
   */
  static void pack(Path source, Path archive, Consumer<String> log, String label)
      throws IOException {
    LocalFiles.Size size = LocalFiles.size(source);
    Progress progress = new Progress(log, label, size.bytes(), size.files());
    Path partial =
        Files.createTempFile(archive.getParent(), "." + archive.getFileName() + ".", ".partial");
    boolean moved = false;
    try {
      try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(partial), BUFFER);
          GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(file);
          TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        if (Files.isDirectory(source)) {
          add(source, tar, progress);
        }
        tar.finish();
      }
      Files.setPosixFilePermissions(
          partial,
          Set.of(
              PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE,
              PosixFilePermission.GROUP_READ,
              PosixFilePermission.OTHERS_READ));
      Files.move(
          partial, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      moved = true;
      progress.done();
    } finally {
      if (!moved) {
        Files.deleteIfExists(partial);
      }
    }
  }

  private static void add(Path source, TarArchiveOutputStream tar, Progress progress)
      throws IOException {
    byte[] buffer = new byte[BUFFER];
    Files.walkFileTree(
        source,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            if (!dir.equals(source)) {
              TarArchiveEntry entry = new TarArchiveEntry(name(dir) + "/");
              entry.setMode(mode(dir, 040000));
              entry.setModTime(attrs.lastModifiedTime().toMillis());
              tar.putArchiveEntry(entry);
              tar.closeArchiveEntry();
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (attrs.isSymbolicLink()) {
              TarArchiveEntry entry = new TarArchiveEntry(name(file), TarArchiveEntry.LF_SYMLINK);
              entry.setLinkName(Files.readSymbolicLink(file).toString());
              tar.putArchiveEntry(entry);
              tar.closeArchiveEntry();
            } else if (attrs.isRegularFile()) {
              // Built from the name, not the file: a file-based entry adds pax creation-time
              // headers that GNU tar warns about.
              TarArchiveEntry entry = new TarArchiveEntry(name(file));
              entry.setMode(mode(file, 0100000));
              entry.setModTime(attrs.lastModifiedTime().toMillis());
              entry.setSize(attrs.size());
              tar.putArchiveEntry(entry);
              try (InputStream in = Files.newInputStream(file)) {
                int read;
                while ((read = in.read(buffer)) > 0) {
                  tar.write(buffer, 0, read);
                  progress.bytes(read);
                }
              }
              tar.closeArchiveEntry();
              progress.file();
            }
            // Sockets, fifos and devices have no place in a model archive.
            return FileVisitResult.CONTINUE;
          }

          private String name(Path path) {
            return source.relativize(path).toString();
          }
        });
  }

  private static int mode(Path path, int type) throws IOException {
    return type | UnixModes.toMode(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
  }
}
