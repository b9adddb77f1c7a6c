package io.smtk.logging;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.function.UnaryOperator;

/**
 * The toolkit's log, written to one stream in the Python toolkit's format ({@code 2026-11-27
 * 15:22:10,895 sagemaker-training-toolkit INFO message}) so that existing log filters keep working.
 *
 * <p>A plain class rather than a logging framework: it costs nothing at start-up, which is on the
 * critical path of every job.
 */
public final class ToolkitLog implements io.smtk.framework.Log {

  /** Python's logging levels, which {@code sagemaker_container_log_level} uses. */
  public enum Level {
    DEBUG(10),
    INFO(20),
    WARNING(30),
    ERROR(40);

    private final int value;

    Level(int value) {
      this.value = value;
    }

    /**
     * Returns Python's number for this level.
     *
     * @return 10, 20, 30 or 40
     */
    public int value() {
      return value;
    }
  }

  private static final String NAME = "sagemaker-training-toolkit";
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

  private final PrintStream out;
  private volatile int threshold;
  private volatile UnaryOperator<String> redaction; // null: nothing to hide

  private ToolkitLog(PrintStream out, int threshold) {
    this.out = out;
    this.threshold = threshold;
  }

  /**
   * Creates a log that writes INFO and above to a stream.
   *
   * @param out the stream, usually the toolkit's stderr
   * @return the log
   */
  public static ToolkitLog to(PrintStream out) {
    return new ToolkitLog(out, Level.INFO.value());
  }

  /**
   * Sets the threshold as a Python level number ({@code sagemaker_container_log_level}).
   *
   * @param level the lowest level written; 10 writes DEBUG too
   */
  public void setThreshold(int level) {
    this.threshold = level;
  }

  /**
   * Sets what every message passes through before it is written: the job's redaction of secret
   * hyperparameter values, known once the configuration has been read.
   *
   * @param redaction returns the text to show for a message
   */
  public void redactWith(UnaryOperator<String> redaction) {
    this.redaction = redaction;
  }

  /**
   * Returns whether a level is written.
   *
   * @param level the level
   * @return true when messages of that level appear
   */
  public boolean isEnabled(Level level) {
    return level.value() >= threshold;
  }

  public void debug(String message) {
    log(Level.DEBUG, message);
  }

  @Override
  public void info(String message) {
    log(Level.INFO, message);
  }

  @Override
  public void warning(String message) {
    log(Level.WARNING, message);
  }

  public void error(String message) {
    log(Level.ERROR, message);
  }

  /**
   * Writes one message; a multi-line message keeps its lines together.
   *
   * @param level the level
   * @param message the text
   */
  public void log(Level level, String message) {
    if (!isEnabled(level)) {
      return;
    }
    UnaryOperator<String> hide = redaction;
    String line =
        TIME.format(LocalDateTime.now())
            + " "
            + NAME
            + " "
            + pad(level.name())
            + " "
            + (hide == null ? message : hide.apply(message));
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  private static String pad(String level) {
    StringBuilder padded = new StringBuilder(level);
    while (padded.length() < 8) {
      padded.append(' ');
    }
    return padded.toString();
  }
}
