package io.smtk.cli;

import picocli.CommandLine;

/** The {@code smtk} program: the one place that exits the JVM. */
public final class Main {

  private Main() {}

  /**
   * Runs the command line and exits with its status.
   *
   * @param args the arguments, e.g. {@code train}
   */
  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("train")) {
      // SageMaker's "docker run IMAGE train" is the hot path: picocli's reflective model costs about
      // 50 ms of every job's start-up and has nothing to parse here.
      System.exit(new TrainCommand().call());
    }
    System.exit(commandLine().execute(args));
  }

  /**
   * Returns the configured command line (tests call {@code execute} on it).
   *
   * @return the command line
   */
  public static CommandLine commandLine() {
    return new CommandLine(new SmtkCommand())
        .setParameterExceptionHandler(new ShortErrorMessageHandler())
        .setExecutionExceptionHandler(
            (exception, commandLine, parseResult) -> {
              commandLine.getErr().println("smtk: " + exception.getMessage());
              return commandLine.getCommandSpec().exitCodeOnExecutionException();
            });
  }
}
