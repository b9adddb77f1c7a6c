package io.smtk.launch;

import io.smtk.process.CommandLine;
import io.smtk.python.PythonNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one builder of the user's command, for the plain path and every launcher: a Python program
 * runs as {@code python [options] entry args}, a package as {@code python [options] -m module
 * args}, a command directly ({@code ./entry args}) or, under a launcher that needs one argv per
 * rank, as {@code /bin/sh -c "./entry args"} with each argument quoted by {@link CommandLine}.
 */
public final class UserCommand {

  private UserCommand() {}

  /**
   * Returns the command that runs the entry point once, without a shell (the plain path).
   *
   * @param entryPoint the entry point
   * @param python the interpreter, for Python entry points
   * @param codeDir the code directory, to inspect a command's first bytes
   * @param arguments the user's arguments
   * @return the command
   */
  public static List<String> direct(
      EntryPoint entryPoint, String python, Path codeDir, List<String> arguments) {
    if (entryPoint.type() != EntryPoint.Type.COMMAND) {
      return python(entryPoint, python, List.of(), arguments);
    }
    List<String> command = new ArrayList<>();
    String name = entryPoint.name();
    // A script without "#!" cannot be exec'd directly; /bin/sh runs it, as it would under "sh -c".
    if (!Executables.isDirectlyExecutable(codeDir.resolve(name))) {
      command.add("/bin/sh");
    }
    command.add(name.contains("/") ? name : "./" + name);
    command.addAll(arguments);
    return command;
  }

  /**
   * Returns the command a launcher such as mpirun starts for each rank; a command entry point runs
   * through {@code /bin/sh -c}, as the Python toolkit's ProcessRunner does (without its literal
   * outer double quotes, which its callers stripped or handed to a shell).
   *
   * @param entryPoint the entry point
   * @param python the interpreter
   * @param pythonOptions options before the program or module, e.g. {@code -m mpi4py}
   * @param arguments the user's arguments
   * @return the command
   */
  public static List<String> underLauncher(
      EntryPoint entryPoint, String python, List<String> pythonOptions, List<String> arguments) {
    if (entryPoint.type() != EntryPoint.Type.COMMAND) {
      return python(entryPoint, python, pythonOptions, arguments);
    }
    // The trailing space with no arguments is the reference's "./train.sh " (verified); harmless to
    // sh.
    StringBuilder line = new StringBuilder("./").append(entryPoint.name()).append(' ');
    for (int i = 0; i < arguments.size(); i++) {
      line.append(i == 0 ? "" : " ").append(CommandLine.quote(arguments.get(i)));
    }
    return List.of("/bin/sh", "-c", line.toString());
  }

  private static List<String> python(
      EntryPoint entryPoint, String python, List<String> pythonOptions, List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add(python);
    command.addAll(pythonOptions);
    if (entryPoint.type() == EntryPoint.Type.PYTHON_PACKAGE) {
      command.add("-m");
      command.add(PythonNames.moduleName(entryPoint.name()));
    } else {
      command.add(entryPoint.name());
    }
    command.addAll(arguments);
    return command;
  }
}
