package io.smtk.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Writes a gzip tar archive with one file of zeros of any size in a few megabytes and milliseconds
 * (a tar bomb, or just a long extraction): a gzip member holding the tar header, the same member of
 * compressed zeros again and again, and a member with the end-of-archive blocks. Gzip readers take
 * concatenated members as one stream.
 */
public final class ZeroArchive {

  private static final int CHUNK = 1 << 20;

  private ZeroArchive() {}

  /**
   * Writes the archive.
   *
   * @param archive the file to write
   * @param name the entry's name
   * @param mebibytes the entry's size in MiB
   * @return the archive
   * @throws IOException when it cannot be written
   */
  public static Path write(Path archive, String name, long mebibytes) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(mebibytes * CHUNK);
    entry.setMode(0100644);
    byte[] header = new byte[512];
    entry.writeEntryHeader(header);
    byte[] zeros = gzip(new byte[CHUNK]);
    try (OutputStream out = Files.newOutputStream(archive)) {
      out.write(gzip(header));
      for (long i = 0; i < mebibytes; i++) {
        out.write(zeros);
      }
      out.write(gzip(new byte[1024]));
    }
    return archive;
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(data);
    }
    return bytes.toByteArray();
  }
}
