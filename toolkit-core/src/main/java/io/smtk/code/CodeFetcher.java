package io.smtk.code;

import io.smtk.ToolkitException;
import java.nio.file.Path;

/** Brings remote user code ({@code s3://...tar.gz}) into the code directory. */
@FunctionalInterface
public interface CodeFetcher {

  /**
   * Downloads and extracts an archive into an empty directory.
   *
   * @param uri the archive's URI
   * @param codeDir the empty code directory
   * @throws ToolkitException when the download or the extraction fails; the message names the URI
   */
  void fetch(String uri, Path codeDir) throws ToolkitException;
}
