package io.smtk.distributed;

/** How the user's entry point is started: as a Python file, a Python package, or a command. */
public enum EntryPointType {
  /** A {@code .py} file, run as {@code python entry args}. */
  PYTHON_PROGRAM,
  /** A folder with {@code setup.py}, run as {@code python -m module args}. */
  PYTHON_PACKAGE,
  /** Anything else ({@code train.sh}, an executable), run through {@code /bin/sh -c}. */
  COMMAND
}
