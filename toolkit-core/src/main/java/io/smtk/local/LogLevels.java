package io.smtk.local;

import java.util.Locale;
import java.util.Map;

/** Reads a log level as Python's {@code logging} names it: a level name or its number. */
final class LogLevels {

  /** Python's level names and numbers ({@code logging.getLevelName}). */
  private static final Map<String, Integer> NAMES =
      Map.of(
          "DEBUG",
          10,
          "INFO",
          20,
          "WARNING",
          30,
          "WARN",
          30,
          "ERROR",
          40,
          "CRITICAL",
          50,
          "FATAL",
          50,
          "NOTSET",
          0);

  private LogLevels() {}

  /**
   * Parses a level.
   *
   * @param text a name in any case ({@code debug}) or a number from 0 to 50 ({@code 10})
   * @param where names the value in the error, e.g. {@code --log-level verbose}
   * @return the level number
   * @throws LocalJobException (exit status 2) when the text is neither
   */
  static int parse(String text, String where) throws LocalJobException {
    String value = text.trim();
    Integer named = NAMES.get(value.toUpperCase(Locale.ROOT));
    if (named != null) {
      return named;
    }
    try {
      int number = Integer.parseInt(value);
      if (number >= 0 && number <= 50) {
        return number;
      }
    } catch (NumberFormatException e) {
      // Reported below with the accepted values.
    }
    throw LocalJobException.usage(
        where
            + " is not a log level: use DEBUG, INFO, WARNING, ERROR, CRITICAL"
            + " or Python's number for one (10, 20, 30, 40, 50)");
  }
}
