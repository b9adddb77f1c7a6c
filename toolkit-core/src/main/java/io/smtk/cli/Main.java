package io.smtk.cli;

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
      // SageMaker's "docker run IMAGE train" is the hot path: picocli's reflective model costs
      // about
      // 50 ms of every job's start-up and has nothing to parse here. This class names no picocli
      // type,
      // so loading it loads none.
      System.exit(TrainCommand.train());
    }
    System.exit(Cli.commandLine().execute(args));
  }
}
