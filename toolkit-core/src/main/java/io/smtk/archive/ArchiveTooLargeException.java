package io.smtk.archive;

import java.nio.file.Path;

/**
 * Thrown when an archive's files hold more bytes than the unpacked-size limit allows (a tar bomb):
 * it is refused before the entry that passes the limit is written, and nothing is extracted.
 */
public final class ArchiveTooLargeException extends ArchiveExtractionException {

  private static final long serialVersionUID = 1L;

  private final long limit;

  /**
   * Creates the exception.
   *
   * @param archive the archive
   * @param entryName the entry that passes the limit
   * @param limit the limit in bytes
   * @param setting what sets the limit, or ""
   */
  public ArchiveTooLargeException(Path archive, String entryName, long limit, String setting) {
    super(
        archive,
        "Refusing to extract "
            + archive
            + ": it unpacks to more than "
            + limit
            + " bytes"
            + (setting.isEmpty() ? "" : " (" + setting + ")")
            + "; entry '"
            + entryName
            + "' passes the limit");
    this.limit = limit;
  }

  /**
   * Returns the limit the archive passed.
   *
   * @return bytes
   */
  public long limit() {
    return limit;
  }
}
