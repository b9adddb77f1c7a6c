package io.smtk.distributed;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Builds the user-process part of launch commands, as the Python toolkit's ProcessRunner does. */
final class UserCommands {

  // shlex.quote leaves strings made only of these characters unquoted.
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private UserCommands() {}

  /**
   * Returns the command that starts the entry point.
   *
   * <p>Python programs run as {@code python [pythonOptions] entry args} and packages as {@code
   * python [pythonOptions] -m module args}. The module name is the entry point without a trailing
   * {@code .py}; the reference removed every {@code .py} in the name. Commands run as {@code
   * /bin/sh -c "./entry args"}, with each argument quoted like Python's {@code shlex.quote}; as an
   * argv element the script needs none of the reference's literal outer double quotes, which its
   * callers stripped or handed to a shell.
   */
  static List<String> create(LaunchPlan plan, List<String> pythonOptions) {
    List<String> command = new ArrayList<>();
    switch (plan.entryPointType()) {
      case PYTHON_PROGRAM:
        command.add(plan.python());
        command.addAll(pythonOptions);
        command.add(plan.entryPoint());
        command.addAll(plan.args());
        break;
      case PYTHON_PACKAGE:
        command.add(plan.python());
        command.addAll(pythonOptions);
        command.add("-m");
        command.add(moduleName(plan.entryPoint()));
        command.addAll(plan.args());
        break;
      case COMMAND:
        command.add("/bin/sh");
        command.add("-c");
        command.add(shellLine(plan.entryPoint(), plan.args()));
        break;
      default:
        throw new IllegalStateException("unknown entry point type " + plan.entryPointType());
    }
    return command;
  }

  static String moduleName(String entryPoint) {
    return entryPoint.endsWith(".py")
        ? entryPoint.substring(0, entryPoint.length() - ".py".length())
        : entryPoint;
  }

  // The trailing space with no arguments is the reference's "./train.sh " (verified); harmless to
  // sh.
  static String shellLine(String entryPoint, List<String> args) {
    StringBuilder line = new StringBuilder("./").append(entryPoint).append(' ');
    for (int i = 0; i < args.size(); i++) {
      line.append(i == 0 ? "" : " ").append(shellQuote(args.get(i)));
    }
    return line.toString();
  }

  static String shellQuote(String value) {
    if (value.isEmpty()) {
      return "''";
    }
    if (SHELL_SAFE.matcher(value).matches()) {
      return value;
    }
    return "'" + value.replace("'", "'\"'\"'") + "'";
  }
}
