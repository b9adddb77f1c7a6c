package io.smtk.archive;

import io.smtk.ToolkitException;
import java.nio.file.Path;

/**
 * Thrown when an archive cannot be extracted: it is not a tar or gzip-compressed tar, it is
 * truncated or corrupt, or the extracted tree cannot be written or moved into place.
 */
public class ArchiveExtractionException extends ToolkitException {

  private static final long serialVersionUID = 1L;

  private final transient Path archive;

  public ArchiveExtractionException(Path archive, String message) {
    super(message);
    this.archive = archive;
  }

  public ArchiveExtractionException(Path archive, String message, Throwable cause) {
    super(message, cause);
    this.archive = archive;
  }

  /**
   * Returns the archive that could not be extracted.
   *
   * @return the archive's path as given to the extractor
   */
  public Path archive() {
    return archive;
  }
}
