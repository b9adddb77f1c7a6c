package io.smtk.archive;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens an archive's bytes from its start; each call a new stream (the format is read first, then
 * the whole archive). Usually the file itself; a download may give a stream that follows its file
 * while it is still being written.
 */
@FunctionalInterface
public interface ArchiveInput {

  /**
   * Opens the archive from its first byte.
   *
   * @return a new stream over the archive's bytes
   * @throws IOException if it cannot be opened
   */
  InputStream open() throws IOException;
}
