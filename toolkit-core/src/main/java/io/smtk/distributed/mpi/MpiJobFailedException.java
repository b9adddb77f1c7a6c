package io.smtk.distributed.mpi;

import io.smtk.outcome.ExecuteUserScriptException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Thrown on the MPI master when mpirun fails; the failure reason keeps the Python toolkit's layout,
 * with the failing rank's error output (its Python traceback when it printed one) as the error
 * message and who failed first as {@code ExtraInfo}, which always fits in the part SageMaker shows.
 */
public class MpiJobFailedException extends ExecuteUserScriptException {

  private static final long serialVersionUID = 1L;

  private final Integer failedRank;
  private final String failedHost;

  /**
   * Creates the exception.
   *
   * @param command the mpirun command
   * @param exitCode mpirun's exit status
   * @param errorText the failing rank's error text
   * @param summary who failed first, e.g. {@code rank 1 on algo-2 failed first with exit code 1}
   * @param failedRank the rank that failed first, or null when mpirun did not say
   * @param failedHost the host that failed first, or null when unknown
   */
  public MpiJobFailedException(
      List<String> command,
      int exitCode,
      String errorText,
      String summary,
      Integer failedRank,
      String failedHost) {
    super(
        "mpirun exited with code "
            + exitCode
            + (failedRank == null ? "" : "; rank " + failedRank + " failed first")
            + (failedHost == null ? "" : " on " + failedHost),
        command,
        exitCode,
        errorText,
        extraInfoFor(exitCode) == null ? summary : summary + "; " + extraInfoFor(exitCode));
    this.failedRank = failedRank;
    this.failedHost = failedHost;
  }

  /**
   * Returns the MPI rank that failed first, when mpirun reported it.
   *
   * @return the rank, or empty
   */
  public OptionalInt failedRank() {
    return failedRank == null ? OptionalInt.empty() : OptionalInt.of(failedRank);
  }

  /**
   * Returns the host that failed first.
   *
   * @return the host, or empty when unknown
   */
  public Optional<String> failedHost() {
    return Optional.ofNullable(failedHost);
  }
}
