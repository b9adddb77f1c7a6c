package io.smtk.archive;

import java.nio.file.Path;

/**
 * Thrown when an archive holds an entry that would be written outside the target directory: a
 * {@code ..} segment, an absolute path, a link whose target leaves the target directory, or a
 * device or FIFO.
 */
public final class UnsafeArchiveEntryException extends ArchiveExtractionException {

  private static final long serialVersionUID = 1L;

  private final String entryName;

  public UnsafeArchiveEntryException(Path archive, String entryName, String reason) {
    super(archive, "Refusing to extract entry '" + entryName + "' of " + archive + ": " + reason);
    this.entryName = entryName;
  }

  /**
   * Returns the entry's name exactly as it is stored in the archive.
   *
   * @return the refused entry's name
   */
  public String entryName() {
    return entryName;
  }
}
