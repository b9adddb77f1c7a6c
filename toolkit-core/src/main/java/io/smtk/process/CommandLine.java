package io.smtk.process;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The one shell quoter: renders arguments as a POSIX shell reads them, as Python's {@code
 * shlex.quote} does, for a {@code sh -c} line and for every command line shown to people (logs,
 * failure files).
 */
public final class CommandLine {

  // shlex.quote leaves strings made only of these characters unquoted.
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private CommandLine() {}

  /**
   * Quotes one argument: unchanged when it has only shell-safe characters, else single-quoted.
   *
   * @param argument the argument
   * @return what a shell reads back as exactly that argument
   */
  public static String quote(String argument) {
    if (argument.isEmpty()) {
      return "''";
    }
    if (SHELL_SAFE.matcher(argument).matches()) {
      return argument;
    }
    return "'" + argument.replace("'", "'\"'\"'") + "'";
  }

  /**
   * Renders a command: each argument quoted, separated by spaces, so that it can be pasted into a
   * shell.
   *
   * @param command the arguments
   * @return the command line
   */
  public static String render(List<String> command) {
    StringBuilder line = new StringBuilder();
    for (String argument : command) {
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(quote(argument));
    }
    return line.toString();
  }
}
