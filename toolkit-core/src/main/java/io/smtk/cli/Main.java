package io.smtk.cli;

import java.io.IOException;

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
      // about 50 ms of every job's start-up and has nothing to parse here. This class names no
      // picocli type, so loading it loads none.
      halt(TrainCommand.train());
    }
    if (args.length == 1 && args[0].equals("warm-up")) {
      // Not a documented command: what the class archive is made from (bin/smtk, the images).
      try {
        halt(WarmUp.run(System.getenv()));
      } catch (IOException e) {
        System.err.println("smtk warm-up: " + e);
        halt(1);
      }
    }
    System.exit(Cli.commandLine().execute(args));
  }

  /**
   * Ends a job's JVM: by then the user's processes have ended, the outcome files and the log are
   * written and every upload is flushed. Shutdown hooks would only let libraries tidy up what the
   * process's end releases anyway, and the S3 CRT's hook alone takes over a second.
   */
  private static void halt(int status) {
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(status);
  }
}
