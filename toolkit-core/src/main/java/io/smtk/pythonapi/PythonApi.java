package io.smtk.pythonapi;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where smtk's Python package ({@code sagemaker_training}, the Python view of the toolkit) lives,
 * and the variable that tells it how to reach the running toolkit.
 */
public final class PythonApi {

  /**
   * The variable naming the running toolkit's Unix socket, given to Python framework modules only.
   */
  public static final String SOCKET_VARIABLE = "SMTK_API_SOCKET";

  /** The package every user process can import. */
  public static final String PACKAGE = "sagemaker_training";

  private PythonApi() {}

  /**
   * Finds the folder holding the {@code sagemaker_training} package: {@code <dir>/python} in an
   * image ({@code /opt/smtk/python} beside {@code /opt/smtk/app}) or {@code
   * toolkit-core/src/main/python} in a checkout, searched upwards from where the toolkit's classes
   * were loaded.
   *
   * @return the folder to put on {@code PYTHONPATH}, or empty when the toolkit ships without it
   */
  public static Optional<Path> packageRoot() {
    return packageRoot(codeSource());
  }

  /**
   * Finds the package folder upwards from {@code start}.
   *
   * @param start a file or folder of the toolkit, or null
   * @return the folder to put on {@code PYTHONPATH}, or empty
   */
  static Optional<Path> packageRoot(Path start) {
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      for (Path candidate : new Path[] {dir.resolve("python"), dir.resolve("src/main/python")}) {
        if (Files.isRegularFile(candidate.resolve(PACKAGE).resolve("__init__.py"))) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static Path codeSource() {
    try {
      var source = PythonApi.class.getProtectionDomain().getCodeSource();
      return source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath();
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      return null;
    }
  }
}
