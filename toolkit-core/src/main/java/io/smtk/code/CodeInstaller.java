package io.smtk.code;

import io.smtk.ToolkitException;
import io.smtk.environment.InvalidTrainingConfigException;
import io.smtk.launch.EntryPoint;
import io.smtk.launch.Executables;
import io.smtk.logging.ToolkitLog;
import io.smtk.outcome.InstallModuleException;
import io.smtk.outcome.InstallRequirementsException;
import io.smtk.process.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs the user's code the way the Python toolkit does: {@code pip install . -r
 * requirements.txt} for a package, {@code pip install -r requirements.txt} for a program, and
 * execute permission for a command.
 */
public final class CodeInstaller {

  private final CommandRunner runner;
  private final ToolkitLog log;

  private CodeInstaller(CommandRunner runner, ToolkitLog log) {
    this.runner = runner;
    this.log = log;
  }

  /**
   * Creates an installer.
   *
   * @param runner runs pip
   * @param log the toolkit's log
   * @return the installer
   */
  public static CodeInstaller of(CommandRunner runner, ToolkitLog log) {
    return new CodeInstaller(runner, log);
  }

  /**
   * Checks that the entry point exists and installs what it needs.
   *
   * @param entryPoint the entry point
   * @param codeDir the code directory
   * @param python the interpreter; may be null for a command entry point, which needs none
   * @throws ToolkitException when the entry point is missing or pip fails
   */
  public void install(EntryPoint entryPoint, Path codeDir, String python) throws ToolkitException {
    Path requirements = codeDir.resolve("requirements.txt");
    switch (entryPoint.type()) {
      case PYTHON_PACKAGE -> {
        log.info("Installing module.");
        List<String> command = new ArrayList<>(List.of(python, "-m", "pip", "install", "."));
        if (Files.isRegularFile(requirements)) {
          command.addAll(List.of("-r", "requirements.txt"));
        }
        ProcessResult result = runner.run(command, codeDir);
        if (!result.succeeded()) {
          throw new InstallModuleException(command, result.exitCode(), result.errorText());
        }
      }
      case PYTHON_PROGRAM -> {
        requireFile(entryPoint, codeDir);
        if (Files.isRegularFile(requirements)) {
          log.info("Installing dependencies from requirements.txt");
          List<String> command = List.of(python, "-m", "pip", "install", "-r", "requirements.txt");
          ProcessResult result = runner.run(command, codeDir);
          if (!result.succeeded()) {
            throw new InstallRequirementsException(command, result.exitCode(), result.errorText());
          }
        }
      }
      default -> {
        Path file = requireFile(entryPoint, codeDir);
        try {
          Executables.makeExecutable(file);
        } catch (IOException e) {
          throw new ToolkitException(
              "Cannot make the entry point " + file + " executable: " + e, e);
        }
      }
    }
  }

  /**
   * Returns the entry point's file, which must be inside the code directory once every symbolic
   * link is resolved: a {@code ../} name, an absolute name or a link out of the folder is refused,
   * so the toolkit neither runs nor changes the mode of a file elsewhere.
   */
  private static Path requireFile(EntryPoint entryPoint, Path codeDir) throws ToolkitException {
    Path file = codeDir.resolve(entryPoint.name());
    if (!Files.exists(file)) {
      throw new EntryPointNotFoundException(entryPoint.name(), codeDir);
    }
    Path real;
    Path realCodeDir;
    try {
      real = file.toRealPath();
      realCodeDir = codeDir.toRealPath();
    } catch (IOException e) {
      throw new EntryPointNotFoundException(entryPoint.name(), codeDir);
    }
    if (!real.startsWith(realCodeDir) || real.equals(realCodeDir)) {
      throw new InvalidTrainingConfigException(
          "Entry point '"
              + entryPoint.name()
              + "' (from SAGEMAKER_PROGRAM or sagemaker_program) resolves to "
              + real
              + ", outside the code directory "
              + codeDir
              + "; refusing to run it (the entry point must be a file inside the code directory)");
    }
    if (!Files.isRegularFile(real)) {
      throw new EntryPointNotFoundException(entryPoint.name(), codeDir);
    }
    return real;
  }
}
