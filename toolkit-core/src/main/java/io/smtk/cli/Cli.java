package io.smtk.cli;

import picocli.CommandLine;

/**
 * The picocli command line of {@code smtk}, with its handlers for bad input and failing commands.
 */
final class Cli {

  /**
   * The width help is laid out for: 80 columns reads well in any terminal, and fixed text keeps the
   * help the same wherever it is shown (tests pin it).
   */
  static final int WIDTH = 80;

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
