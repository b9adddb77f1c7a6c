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

  private static final String HEX = "0123456789abcdef";

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
   * Returns the text with what a text viewer would not show as text escaped, as Python's {@code
   * repr} spells it: control characters other than newline and tab ({@code \x00}, {@code \x1b},
   * {@code \r}), DEL and the C1 controls, and lone surrogates (shown as backslash, u and four hex
   * digits), which UTF-8 cannot encode.
   *
   * @param text the text
   * @return the printable text; the same instance when nothing needed escaping
   */
  public static String printable(String text) {
    int i = 0;
    while (i < text.length() && !needsEscape(text, i)) {
      i++;
    }
    if (i == text.length()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!needsEscape(text, i)) {
        out.append(c);
        if (Character.isHighSurrogate(c)) {
          out.append(text.charAt(++i)); // the pair's low half
        }
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c < 0x100) {
        out.append("\\x").append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xf));
      } else {
        out.append("\\u");
        for (int shift = 12; shift >= 0; shift -= 4) {
          out.append(HEX.charAt((c >> shift) & 0xf));
        }
      }
    }
    return out.toString();
  }

  private static boolean needsEscape(String text, int index) {
    char c = text.charAt(index);
    if (c < 0x20) {
      return c != '\n' && c != '\t';
    }
    if (c >= 0x7f && c < 0xa0) {
      return true;
    }
    if (Character.isHighSurrogate(c)) {
      return index + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(index + 1));
    }
    return Character.isLowSurrogate(c); // a low half reached here has no high half before it
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
