package io.smtk.cli;

import picocli.CommandLine;

/**
 * The picocli command line of {@code smtk}, with its handlers for bad input and failing commands.
 */
final class Cli {

  private Cli() {}

  /**
   * Returns the configured command line (tests call {@code execute} on it).
   *
   * @return the command line
   */
  static CommandLine commandLine() {
    return new CommandLine(new SmtkCommand())
        .setParameterExceptionHandler(new ShortErrorMessageHandler())
        .setExecutionExceptionHandler(
            (exception, commandLine, parseResult) -> {
              commandLine.getErr().println("smtk: " + exception.getMessage());
              return commandLine.getCommandSpec().exitCodeOnExecutionException();
            });
  }
}
