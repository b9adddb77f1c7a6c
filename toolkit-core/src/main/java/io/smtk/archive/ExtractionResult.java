package io.smtk.archive;

import java.util.List;

/**
 * What {@link SafeTarExtractor#extract} wrote: counts of entries, the bytes of regular files, and
 * the top-level entries of a non-empty target directory that the archive replaced.
 *
 * @param files regular files written (hard links included)
 * @param directories directories created from directory entries
 * @param symlinks symbolic links created
 * @param bytes bytes of regular-file content written
 * @param replacedEntries names of pre-existing top-level entries of the target that were replaced
 */
public record ExtractionResult(
    int files, int directories, int symlinks, long bytes, List<String> replacedEntries) {

  public ExtractionResult {
    replacedEntries = List.copyOf(replacedEntries);
  }
}
