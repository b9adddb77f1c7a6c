package io.smtk.logging;

import java.io.PrintStream;
import java.util.TimeZone;
import java.util.function.UnaryOperator;

/**
 * The toolkit's log, written to one stream in the Python toolkit's format ({@code 2026-11-27
 * 15:22:10,895 sagemaker-training-toolkit INFO message}) so that existing log filters keep working.
 *
 * <p>A plain class rather than a logging framework: it costs nothing at start-up, which is on the
 * critical path of every job. For the same reason the time stamp is formatted here from {@link
 * TimeZone} rather than with {@code java.time}: {@code java.time} finds its zone rules through a
 * {@code ServiceLoader}, which opens every jar on the class path (about 40 ms of the first line).
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
  private static final long MILLIS_PER_DAY = 86_400_000L;

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
        timestamp(System.currentTimeMillis(), LocalZone.ZONE)
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

  /**
   * Formats an instant as Python's logging does, {@code yyyy-MM-dd HH:mm:ss,SSS} in a time zone.
   *
   * @param epochMillis the instant
   * @param zone the zone, usually the JVM's default (what Python's {@code time.localtime} uses)
   * @return the text, for example {@code 2026-11-27 15:22:10,895}
   */
  static String timestamp(long epochMillis, TimeZone zone) {
    long local = epochMillis + zone.getOffset(epochMillis);
    long days = Math.floorDiv(local, MILLIS_PER_DAY);
    int millisOfDay = (int) Math.floorMod(local, MILLIS_PER_DAY);
    // Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant, "chrono-compatible low-level
    // date algorithms", civil_from_days).
    long shifted = days + 719_468;
    long era = Math.floorDiv(shifted, 146_097);
    long dayOfEra = shifted - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long monthIndex = (5 * dayOfYear + 2) / 153; // March = 0
    int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
    int month = (int) (monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    char[] text = new char[23];
    digits(text, 0, year, 4);
    text[4] = '-';
    digits(text, 5, month, 2);
    text[7] = '-';
    digits(text, 8, day, 2);
    text[10] = ' ';
    digits(text, 11, millisOfDay / 3_600_000, 2);
    text[13] = ':';
    digits(text, 14, millisOfDay / 60_000 % 60, 2);
    text[16] = ':';
    digits(text, 17, millisOfDay / 1000 % 60, 2);
    text[19] = ',';
    digits(text, 20, millisOfDay % 1000, 3);
    return new String(text);
  }

  private static void digits(char[] text, int offset, long value, int width) {
    long rest = value;
    for (int i = offset + width - 1; i >= offset; i--) {
      text[i] = (char) ('0' + rest % 10);
      rest /= 10;
    }
  }

  /**
   * Looks up the local time zone now (reading {@code /etc/localtime}, a few milliseconds), so that
   * a thread started early can do it while the main thread reads the job.
   */
  public static void prepare() {
    if (LocalZone.ZONE == null) {
      throw new IllegalStateException("no default time zone");
    }
  }

  /** The JVM's default zone, read on the first log line rather than when the class loads. */
  private static final class LocalZone {
    static final TimeZone ZONE = TimeZone.getDefault();
  }

  private static String pad(String level) {
    StringBuilder padded = new StringBuilder(level);
    while (padded.length() < 8) {
      padded.append(' ');
    }
    return padded.toString();
  }
}
