package io.smtk.code;

import io.smtk.ToolkitException;
import java.nio.file.Path;

/** Extracts a local source archive ({@code sourcedir.tar.gz}) into the code directory. */
@FunctionalInterface
public interface ArchiveExtractor {

  /**
   * Extracts an archive into an empty directory, leaving nothing behind when it fails.
   *
   * @param archive the archive
   * @param target the directory
   * @throws ToolkitException when the archive is not a readable tar or holds unsafe entries
   */
  void extract(Path archive, Path target) throws ToolkitException;
}
