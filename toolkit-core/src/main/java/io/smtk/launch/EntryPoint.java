package io.smtk.launch;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
