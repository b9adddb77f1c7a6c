package io.smtk.process;

import java.util.List;

/**
 * The one shell quoter: renders arguments as a POSIX shell reads them, as Python's {@code
 * shlex.quote} does, for a {@code sh -c} line and for every command line shown to people (logs,
 * failure files).
 */
public final class CommandLine {

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
    if (isShellSafe(argument)) {
      return argument;
    }
    return "'" + argument.replace("'", "'\"'\"'") + "'";
  }

  // shlex.quote leaves strings made only of [A-Za-z0-9_@%+=:,./-] unquoted. A loop, not a regex:
  // every job renders its command line, and compiling a pattern costs start-up time.
  private static boolean isShellSafe(String argument) {
    for (int i = 0; i < argument.length(); i++) {
      char c = argument.charAt(i);
      boolean safe =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "_@%+=:,./-".indexOf(c) >= 0;
      if (!safe) {
        return false;
      }
    }
    return true;
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
