package io.smtk.distributed.control;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * How a distributed job ended, as the master tells its workers: success, or who failed first and
 * why.
 *
 * @param exitCode 0 for success, else the job's exit status
 * @param failedHost the host that failed first, "" when unknown or on success
 * @param failedRank the MPI rank that failed first, -1 when unknown or on success
 * @param summary one line for logs, e.g. {@code rank 1 on algo-2 failed first with exit code 1}
 * @param errorText the failing rank's error output, possibly empty
 */
public record JobOutcome(
    int exitCode, String failedHost, int failedRank, String summary, String errorText) {

  /** Validates the parts. */
  public JobOutcome {
    Objects.requireNonNull(failedHost, "failedHost");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(errorText, "errorText");
  }

  /**
   * Returns the outcome of a job that succeeded everywhere.
   *
   * @return the outcome
   */
  public static JobOutcome success() {
    return new JobOutcome(0, "", -1, "the job succeeded", "");
  }

  /**
   * Tells whether the job succeeded.
   *
   * @return true for exit code 0
   */
  public boolean succeeded() {
    return exitCode == 0;
  }

  /**
   * Encodes the outcome as one line of printable ASCII without spaces inside fields.
   *
   * @return {@code exitCode rank host summary errorText}, the texts in Base64
   */
  String encode() {
    return exitCode
        + " "
        + failedRank
        + " "
        + b64(failedHost)
        + " "
        + b64(summary)
        + " "
        + b64(errorText);
  }

  /**
   * Decodes {@link #encode()}.
   *
   * @param line the encoded outcome
   * @return the outcome
   * @throws ControlProtocolException if the line is malformed: not five fields, an exit code
   *     outside 0..255, a rank below -1, or a text that is not Base64
   */
  static JobOutcome decode(String line) throws ControlProtocolException {
    String[] fields = line.split(" ", -1);
    if (fields.length != 5) {
      throw new ControlProtocolException(
          "malformed job outcome ("
              + fields.length
              + " fields, not 5): "
              + ControlMessages.shown(line));
    }
    try {
      int exitCode = Integer.parseInt(fields[0]);
      int failedRank = Integer.parseInt(fields[1]);
      if (exitCode < 0 || exitCode > 255 || failedRank < -1) {
        throw new ControlProtocolException(
            "malformed job outcome (exit code "
                + exitCode
                + ", rank "
                + failedRank
                + "): "
                + ControlMessages.shown(line));
      }
      return new JobOutcome(
          exitCode, unb64(fields[2]), failedRank, unb64(fields[3]), unb64(fields[4]));
    } catch (IllegalArgumentException e) {
      // NumberFormatException included: a field that is not a number or not Base64.
      throw new ControlProtocolException(
          "malformed job outcome: " + ControlMessages.shown(line), e);
    }
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String unb64(String text) {
    return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
  }
}
