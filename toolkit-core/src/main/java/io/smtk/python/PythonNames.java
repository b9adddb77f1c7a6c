package io.smtk.python;

/** How an entry point's file name becomes a Python module name. */
public final class PythonNames {

  private static final String SUFFIX = ".py";

  private PythonNames() {}

  /**
   * Returns the module an entry point names: the name without a trailing {@code .py} (the Python
   * toolkit removes every {@code .py}, which breaks names like {@code my.pyx.py}).
   *
   * @param entryPoint e.g. {@code train.py}
   * @return e.g. {@code train}
   */
  public static String moduleName(String entryPoint) {
    return entryPoint.endsWith(SUFFIX)
        ? entryPoint.substring(0, entryPoint.length() - SUFFIX.length())
        : entryPoint;
  }
}
