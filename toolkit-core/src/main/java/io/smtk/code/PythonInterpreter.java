package io.smtk.code;

import io.smtk.ToolkitException;
import io.smtk.environment.ToolkitSettings;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the Python interpreter that runs the user's code and pip: {@code SMTK_PYTHON}, else {@code
 * python3} on PATH.
 */
public final class PythonInterpreter {

  private PythonInterpreter() {}

  /**
   * Finds the interpreter.
   *
   * @param settings the toolkit's settings
   * @return the interpreter's absolute path, as the user's command and failure messages show it
   * @throws ToolkitException when no interpreter is found; the message says where it looked
   */
  public static String find(ToolkitSettings settings) throws ToolkitException {
    Optional<String> configured = settings.python();
    if (configured.isPresent()) {
      Optional<Path> found = settings.which(configured.get());
      if (found.isEmpty()) {
        throw new ToolkitException(
            "SMTK_PYTHON='"
                + configured.get()
                + "' is not an executable file"
                + (configured.get().contains("/") ? "" : " on PATH (" + settings.path() + ")"));
      }
      return found.get().toAbsolutePath().toString();
    }
    return settings
        .which("python3")
        .map(path -> path.toAbsolutePath().toString())
        .orElseThrow(
            () ->
                new ToolkitException(
                    "No Python interpreter: python3 is not on PATH ("
                        + settings.path()
                        + "); install Python 3 or set SMTK_PYTHON to the interpreter's path"));
  }
}
