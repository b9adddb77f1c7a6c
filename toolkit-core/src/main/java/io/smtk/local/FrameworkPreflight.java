package io.smtk.local;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Checks, before a process-mode job starts, that the job's interpreter can import the framework the
 * job imitates ({@code sklearn} for {@code --framework sklearn}), and whether its torch has a
 * torchrun known to be broken. The framework's images always have it; without it the job would
 * build its trees, start the hosts and fail only inside the user's script, with an import error
 * that does not say what to install.
 */
final class FrameworkPreflight {

  /**
   * Importing a large framework on a slow machine may take seconds; past this the job runs
   * unchecked.
   */
  static final Duration TIMEOUT = Duration.ofMinutes(2);

  /** The longest Python error quoted in the one-line message. */
  private static final int MAX_ERROR = 200;

  private FrameworkPreflight() {}

  /**
   * Checks that {@code python} imports the framework's module, in the environment the hosts
   * inherit.
   *
   * @param framework the framework the job imitates; {@link Framework#NONE} checks nothing
   * @param python the interpreter the job runs the user's code with
   * @param environment the environment the hosts inherit
   * @throws LocalJobException (exit status 2) with one line that names the interpreter, Python's
   *     own error and what to install, when the import fails
   */
  static void check(Framework framework, String python, Map<String, String> environment)
      throws LocalJobException {
    Optional<String> module = framework.pythonModule();
    if (module.isEmpty()) {
      return;
    }
    Optional<String> error = importError(python, module.get(), environment);
    if (error.isPresent()) {
      throw LocalJobException.usage(
          "--framework "
              + framework.cliName()
              + " needs the Python module "
              + module.get()
              + ", which "
              + python
              + " cannot import ("
              + error.get()
              + "); install it: "
              + framework.installHint()
              + "; or name an interpreter that has it with --python");
    }
  }

  /**
   * Tells whether the interpreter's torch has a {@code torchrun} known to fail at start: torch 1.x
   * on Python 3.11 or later (Debian 12's {@code python3-torch} 1.13, where {@code torchrun} stops
   * in {@code torch.distributed.elastic} with {@code AttributeError: 'NoneType' object has no
   * attribute 'get'}). Reads torch's package metadata, which costs milliseconds where importing
   * torch costs seconds.
   *
   * @param python the interpreter the job runs the user's code with
   * @param environment the environment the hosts inherit
   * @return e.g. {@code torch 1.13.0a0 on Python 3.11}, or empty when torchrun should work (or
   *     torch is missing, which the job's own error then says)
   * @throws LocalJobException when the check cannot be run at all
   */
  static Optional<String> brokenTorchrun(String python, Map<String, String> environment)
      throws LocalJobException {
    String script =
        """
        import sys
        from importlib.metadata import version
        print(version('torch'), '%d.%d' % sys.version_info[:2])
        """;
    Optional<String> output = run(python, script, environment);
    if (output.isEmpty()) {
      return Optional.empty();
    }
    String[] parts = output.get().strip().split(" ", -1);
    if (parts.length != 2) {
      return Optional.empty();
    }
    String[] pythonVersion = parts[1].split("\\.", -1);
    try {
      int torchMajor = Integer.parseInt(parts[0].replaceAll("^(\\d+).*", "$1"));
      int major = Integer.parseInt(pythonVersion[0]);
      int minor = Integer.parseInt(pythonVersion[1]);
      boolean broken = torchMajor < 2 && (major > 3 || (major == 3 && minor >= 11));
      return broken
          ? Optional.of("torch " + parts[0] + " on Python " + parts[1])
          : Optional.empty();
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }

  /**
   * Runs a short Python script with the interpreter.
   *
   * @return its standard output when it exited 0 within {@link #TIMEOUT}, else empty
   */
  private static Optional<String> run(String python, String script, Map<String, String> environment)
      throws LocalJobException {
    Check check = check(python, script, environment, false);
    return check.finished() && check.status() == 0 ? Optional.of(check.output()) : Optional.empty();
  }

  /**
   * Imports a module with the interpreter.
   *
   * @return Python's last error line (e.g. {@code ModuleNotFoundError: No module named 'joblib'}),
   *     or empty when the import worked or did not finish within {@link #TIMEOUT}
   */
  static Optional<String> importError(String python, String module, Map<String, String> environment)
      throws LocalJobException {
    Check check = check(python, "import " + module, environment, true);
    if (check.startFailure().isPresent()) {
      return Optional.of("cannot run it: " + check.startFailure().get());
    }
    if (!check.finished() || check.status() == 0) {
      return Optional.empty();
    }
    List<String> lines = check.output().strip().lines().filter(line -> !line.isBlank()).toList();
    return Optional.of(
        lines.isEmpty() ? "exit status " + check.status() : oneLine(lines.get(lines.size() - 1)));
  }

  /** How a check ended: not started (why), not finished in time, or its status and output. */
  private record Check(
      Optional<String> startFailure, boolean finished, int status, String output) {}

  private static Check check(
      String python, String script, Map<String, String> environment, boolean withErrors)
      throws LocalJobException {
    Path dir = null;
    try {
      // An empty working directory: `python -c` puts it first on sys.path, and a folder named like
      // the module there (the checkout's own sklearn/ module, where README command 1 runs) would
      // import as a namespace package and hide that the real one is missing.
      dir = Files.createTempDirectory("smtk-preflight-");
      Path out = dir.resolve("out.log");
      ProcessBuilder builder =
          new ProcessBuilder(List.of(python, "-c", script))
              .directory(Files.createDirectory(dir.resolve("cwd")).toFile())
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      if (withErrors) {
        builder.redirectErrorStream(true);
      } else {
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
      }
      builder.environment().clear();
      builder.environment().putAll(environment);
      // A check leaves nothing behind, not even __pycache__ folders.
      builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        return new Check(Optional.of(oneLine(e.getMessage())), false, -1, "");
      }
      if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor();
        return new Check(Optional.empty(), false, -1, "");
      }
      return new Check(
          Optional.empty(),
          true,
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw LocalJobException.failed(
          "cannot check the interpreter " + python + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw LocalJobException.failed("interrupted", e);
    } finally {
      if (dir != null) {
        try {
          LocalFiles.delete(dir);
        } catch (IOException e) {
          // A leftover temporary folder is harmless.
        }
      }
    }
  }

  private static String oneLine(String text) {
    String line = String.valueOf(text).replaceAll("\\s+", " ").strip();
    return line.length() <= MAX_ERROR ? line : line.substring(0, MAX_ERROR) + "...";
  }
}
