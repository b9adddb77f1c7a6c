package io.smtk.python;

/** Thrown when text is not a document Python's {@code json.loads} would accept. */
public final class PythonJsonException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String reason;
  private final int position;
  private final int line;
  private final int column;

  /**
   * Creates the exception for {@code reason} at a character offset of {@code text}.
   *
   * @param reason what is wrong, in Python's words, e.g. {@code "Expecting value"}
   * @param text the whole document
   * @param index the UTF-16 index into {@code text} where the problem is
   */
  PythonJsonException(String reason, String text, int index) {
    this(reason, text.codePointCount(0, index), lineOf(text, index), columnOf(text, index));
  }

  private PythonJsonException(String reason, int position, int line, int column) {
    // Same layout as Python's JSONDecodeError, so users see the message they would in Python.
    super(reason + ": line " + line + " column " + column + " (char " + position + ")");
    this.reason = reason;
    this.position = position;
    this.line = line;
    this.column = column;
  }

  /**
   * Returns what is wrong, without the location.
   *
   * @return the reason, e.g. {@code "Expecting ',' delimiter"}
   */
  public String reason() {
    return reason;
  }

  /**
   * Returns where the problem is as Python counts it: in code points from the start, from 0.
   *
   * @return the offset, from 0
   */
  public int position() {
    return position;
  }

  /**
   * Returns the line of the problem, from 1.
   *
   * @return the line number
   */
  public int line() {
    return line;
  }

  /**
   * Returns the column of the problem within its line, from 1, in code points.
   *
   * @return the column number
   */
  public int column() {
    return column;
  }

  private static int lineOf(String text, int index) {
    int line = 1;
    for (int i = 0; i < index; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static int columnOf(String text, int index) {
    int lineStart = text.lastIndexOf('\n', index - 1) + 1;
    return text.codePointCount(lineStart, index) + 1;
  }
}
