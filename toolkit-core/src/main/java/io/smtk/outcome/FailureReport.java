package io.smtk.outcome;

import io.smtk.process.CommandLine;
import java.util.List;

/**
 * Formats failure reasons so that the first 1024 characters, which SageMaker shows as the job's
 * FailureReason, hold the error's class, exit code, the end of the error text and the command.
 */
public final class FailureReport {

  /** How much of the failure file SageMaker shows. */
  public static final int SUMMARY_LIMIT = 1024;

  /** The most of the error text kept after the summary, for a reader of the whole file. */
  static final int DETAIL_LIMIT = 64 * 1024;

  private static final int COMMAND_LIMIT = 240;

  private FailureReport() {}

  /**
   * Formats the Python toolkit's process failure text, with the error text fitted into the summary.
   *
   * @param errorName the Python error class name, e.g. {@code ExecuteUserScriptError}
   * @param exitCode the process's exit status
   * @param errorText what it printed about the failure
   * @param extraInfo a hint, or null
   * @param command the command
   * @return the failure reason
   */
  public static String calledProcess(
      String errorName, int exitCode, String errorText, String extraInfo, List<String> command) {
    String head = errorName + ":\nExitCode " + exitCode + "\nErrorMessage \"";
    String tail =
        "\"\n"
            + (extraInfo == null ? "" : "ExtraInfo \"" + extraInfo + "\"\n")
            + "Command \""
            + abbreviate(CommandLine.render(command), COMMAND_LIMIT)
            + "\"";
    String text = errorText == null ? "" : errorText.strip();
    int budget = SUMMARY_LIMIT - head.length() - tail.length();
    String message = tailFitting(text, Math.max(budget, 0));
    StringBuilder report = new StringBuilder(head).append(message).append(tail);
    if (message.length() < text.length()) {
      // The summary holds the end of the error; the whole of it (bounded) follows for a reader of
      // the file.
      report.append("\n\nError output:\n").append(tailFitting(text, DETAIL_LIMIT));
    }
    return report.toString();
  }

  /**
   * Formats a toolkit failure that is not a process failure, with its cause chain.
   *
   * @param reason the exception's reason
   * @return the failure reason
   */
  public static String toolkitError(String reason) {
    return abbreviate(reason, SUMMARY_LIMIT * 64);
  }

  /**
   * Returns the longest end of a text that fits, cut at a line start when one is near.
   *
   * @param text the text
   * @param limit the most characters
   * @return the text, or its end prefixed with an ellipsis
   */
  static String tailFitting(String text, int limit) {
    if (text.length() <= limit) {
      return text;
    }
    if (limit <= 1) {
      return "";
    }
    int start = text.length() - (limit - 1);
    int newline = text.indexOf('\n', start);
    if (newline >= 0 && newline - start < limit / 4) {
      start = newline + 1;
    }
    return "…" + text.substring(start);
  }

  private static String abbreviate(String text, int limit) {
    return text.length() <= limit ? text : text.substring(0, limit - 1) + "…";
  }
}
