package io.smtk.process;

/**
 * Rewrites one line of a child's output, as raw bytes, before the runner writes it.
 *
 * <p>The runner calls a transformer from one thread per output stream, so an implementation that
 * keeps state must be safe for two threads. The line is given without its terminating {@code \n} (a
 * {@code \r} before it is part of the line) and the runner writes the terminator itself.
 */
@FunctionalInterface
public interface LineTransformer {

  /**
   * Returns the replacement for one line, or {@code null} to keep it as it is.
   *
   * <p>Returning {@code null} for lines that do not change saves copying them.
   *
   * @param buffer holds the line; must not be modified or kept after the call
   * @param offset where the line starts in {@code buffer}
   * @param length the number of bytes in the line, without its terminator
   * @return the new line without a terminator, or {@code null} for no change
   */
  byte[] transform(byte[] buffer, int offset, int length);

  /**
   * Returns the transformer that keeps every line; the runner recognises it and skips splitting the
   * output into lines.
   *
   * @return the identity transformer
   */
  static LineTransformer identity() {
    return OutputPump.IDENTITY;
  }
}
