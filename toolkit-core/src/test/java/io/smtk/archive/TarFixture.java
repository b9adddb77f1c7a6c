package io.smtk.archive;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Writes tar archives entry by entry for tests, including entries no honest tool would write. */
public final class TarFixture implements AutoCloseable {

  /** A fixed modification time, so tests can check that it is kept. */
  public static final Instant MTIME = Instant.parse("2024-05-06T07:08:09Z");

  private final TarArchiveOutputStream tar;

  private TarFixture(OutputStream out) {
    tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  /**
   * Starts a gzip-compressed tar at {@code file}.
   *
   * @param file the archive to write
   * @return the fixture; close it to finish the archive
   */
  public static TarFixture gzip(Path file) {
    try {
      return new TarFixture(
          new GZIPOutputStream(
              new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), 1 << 16));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a plain (uncompressed) tar at {@code file}.
   *
   * @param file the archive to write
   * @return the fixture; close it to finish the archive
   */
  public static TarFixture plain(Path file) {
    try {
      return new TarFixture(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public TarFixture dir(String name, int mode) {
    TarArchiveEntry entry = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true);
    entry.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~0777 | mode);
    entry.setModTime(Date.from(MTIME));
    return put(entry, null);
  }

  public TarFixture file(String name, String content) {
    return file(name, 0644, content.getBytes(StandardCharsets.UTF_8));
  }

  public TarFixture file(String name, int mode, byte[] content) {
    TarArchiveEntry entry = new TarArchiveEntry(name, true);
    entry.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~07777 | mode);
    entry.setSize(content.length);
    entry.setModTime(Date.from(MTIME));
    return put(entry, content);
  }

  public TarFixture symlink(String name, String target) {
    TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
    entry.setLinkName(target);
    return put(entry, null);
  }

  public TarFixture hardLink(String name, String target) {
    TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
    entry.setLinkName(target);
    return put(entry, null);
  }

  public TarFixture fifo(String name) {
    return put(new TarArchiveEntry(name, TarConstants.LF_FIFO, true), null);
  }

  private TarFixture put(TarArchiveEntry entry, byte[] content) {
    try {
      tar.putArchiveEntry(entry);
      if (content != null) {
        tar.write(content);
      }
      tar.closeArchiveEntry();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Adds a regular file whose content is written by {@code writer}, for large entries.
   *
   * @param name the entry's name
   * @param mode permission bits
   * @param size exact number of bytes the writer writes
   * @param writer writes the content
   * @return this fixture
   */
  public TarFixture file(String name, int mode, long size, ContentWriter writer) {
    TarArchiveEntry entry = new TarArchiveEntry(name, true);
    entry.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~07777 | mode);
    entry.setSize(size);
    entry.setModTime(Date.from(MTIME));
    try {
      tar.putArchiveEntry(entry);
      writer.write(tar);
      tar.closeArchiveEntry();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      tar.finish();
      tar.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes an entry's content. */
  @FunctionalInterface
  public interface ContentWriter {
    void write(OutputStream out) throws IOException;
  }
}
