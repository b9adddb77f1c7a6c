package io.smtk.s3;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of an {@link IntermediateOutputSync} run, returned by {@link
 * IntermediateOutputSync#stopAndFlush}: what was uploaded, how many uploads failed along the way,
 * and which files are not in S3 in their final state.
 *
 * @param prefix the S3 prefix the files went to
 * @param uploads completed uploads, re-uploads of a changed file included
 * @param uploadedBytes bytes of the completed uploads
 * @param failedAttempts uploads that failed (after the SDK's retries); each was tried again later
 * @param unsynced files whose final content is not in S3, each as {@code path (reason)}
 * @param flushTime how long the final flush took
 */
public record SyncSummary(
    S3Uri prefix,
    long uploads,
    long uploadedBytes,
    long failedAttempts,
    List<String> unsynced,
    Duration flushTime) {

  public SyncSummary {
    unsynced = List.copyOf(unsynced);
  }

  /**
   * Tells whether every file under the directory is in S3 with its final content.
   *
   * @return true when nothing is left unsynced
   */
  public boolean complete() {
    return unsynced.isEmpty();
  }

  /**
   * Throws when some files are not in S3 with their final content.
   *
   * @throws IntermediateSyncException naming the prefix and the files, when not {@link #complete()}
   */
  public void throwIfIncomplete() throws IntermediateSyncException {
    if (!complete()) {
      throw new IntermediateSyncException(
          "Intermediate output sync to "
              + prefix
              + " did not upload the final content of "
              + unsynced.size()
              + " file(s): "
              + String.join(", ", unsynced.subList(0, Math.min(10, unsynced.size())))
              + (unsynced.size() > 10 ? ", ..." : ""));
    }
  }
}
