package io.smtk.launch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The user's entry point ready to run: installed code, interpreter, arguments and the environment
 * the user's processes get; what every runner starts from.
 *
 * @param entryPoint the entry point and its type
 * @param python the interpreter's absolute path, or null for a command entry point
 * @param codeDir the code directory, the working directory of every user process
 * @param arguments the user's {@code --key value} arguments
 * @param userVariables the contract's variables ({@code SM_*}, {@code PYTHONPATH}, the framework's
 *     additions), in the order {@code mpirun -x} forwards them
 * @param environment the complete environment of a user process on this host
 */
public record UserLaunch(
    EntryPoint entryPoint,
    String python,
    Path codeDir,
    List<String> arguments,
    Map<String, String> userVariables,
    Map<String, String> environment) {

  public UserLaunch {
    arguments = List.copyOf(arguments);
    userVariables =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(userVariables));
    environment = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environment));
  }

  /**
   * Returns the plain command that runs the entry point once, without a launcher.
   *
   * @return the command
   */
  public List<String> plainCommand() {
    return UserCommand.direct(entryPoint, python, codeDir, arguments);
  }
}
