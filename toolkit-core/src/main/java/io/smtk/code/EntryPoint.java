package io.smtk.code;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The user's entry point and how it runs: a Python program, a Python package or any executable.
 *
 * @param name the entry point as configured ({@code train.py}, {@code trainer}, {@code train.sh})
 * @param type how it runs
 */
public record EntryPoint(String name, Type type) {

  /** How an entry point runs, decided as the Python toolkit decides it. */
  public enum Type {
    /** {@code python NAME args}. */
    PYTHON_PROGRAM,
    /** {@code pip install .} first, then {@code python -m MODULE args}. */
    PYTHON_PACKAGE,
    /** {@code ./NAME args}, any executable or shell script. */
    COMMAND
  }

  /**
   * Decides an entry point's type from its name and the code directory: {@code .sh} is a command, a
   * {@code setup.py} makes a package, {@code .py} is a program, anything else is a command.
   *
   * @param name the entry point
   * @param codeDir the directory holding the user's code
   * @return the entry point
   */
  public static EntryPoint of(String name, Path codeDir) {
    if (name.endsWith(".sh")) {
      return new EntryPoint(name, Type.COMMAND);
    }
    if (Files.isRegularFile(codeDir.resolve("setup.py"))) {
      return new EntryPoint(name, Type.PYTHON_PACKAGE);
    }
    if (name.endsWith(".py")) {
      return new EntryPoint(name, Type.PYTHON_PROGRAM);
    }
    return new EntryPoint(name, Type.COMMAND);
  }

  /**
   * Returns the module name a package entry point runs as: the name without a trailing {@code .py}
   * (the Python toolkit removes every {@code .py}, which breaks names like {@code my.pyx.py}).
   *
   * @return the module name
   */
  public String moduleName() {
    return name.endsWith(".py") ? name.substring(0, name.length() - 3) : name;
  }

  /**
   * Returns the command that runs this entry point without a shell.
   *
   * @param python the interpreter, for Python entry points
   * @param codeDir the code directory, to inspect a command's first bytes
   * @param arguments the user's arguments
   * @return the command
   */
  public List<String> command(String python, Path codeDir, List<String> arguments) {
    List<String> command = new ArrayList<>();
    switch (type) {
      case PYTHON_PROGRAM:
        command.add(python);
        command.add(name);
        break;
      case PYTHON_PACKAGE:
        command.add(python);
        command.add("-m");
        command.add(moduleName());
        break;
      default:
        // A script without "#!" cannot be exec'd directly; /bin/sh runs it, as it would under "sh -c".
        if (!Executables.isDirectlyExecutable(codeDir.resolve(name))) {
          command.add("/bin/sh");
        }
        command.add(name.contains("/") ? name : "./" + name);
        break;
    }
    command.addAll(arguments);
    return command;
  }
}
