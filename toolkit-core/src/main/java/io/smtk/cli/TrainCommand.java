package io.smtk.cli;

import io.smtk.training.Trainer;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code smtk train}: what SageMaker runs as {@code docker run IMAGE train}. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    usageHelpWidth = Cli.WIDTH,
    description = {
      "Runs the training job under SAGEMAKER_BASE_DIR (default /opt/ml), as SageMaker's"
          + " 'docker run IMAGE train' does.",
      "",
      "It runs the framework entry named by SAGEMAKER_TRAINING_MODULE, or else the user's entry"
          + " point (SAGEMAKER_PROGRAM or sagemaker_program) from the code directory or"
          + " sagemaker_submit_directory. The interpreter is SMTK_PYTHON, else python3 on PATH."
          + " docs/ENVIRONMENT.md lists every variable the job gets and every SMTK_* setting.",
      "",
      "Exit status: 0 on success (output/success written); on failure output/failure is written"
          + " and the status is the user script's own exit status, 128+N when stopped by signal N,"
          + " 2 for bad configuration, or 1 for other toolkit errors."
    })
final class TrainCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    return train();
  }

  /**
   * Runs the job with the process's environment and standard streams.
   *
   * @return the exit status
   */
  static int train() {
    // The user's output goes straight to our file descriptors in large writes; System.out's
    // PrintStream would add a lock and a small buffer per write on the log path.
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
    return train(System.getenv(), out, err);
  }

  /**
   * Runs the job with the given environment and streams; the warm-up job comes this way too, so
   * that the class archive holds what a real job loads.
   *
   * @param environment the toolkit's process environment
   * @param out where the user's stdout goes
   * @param err where the user's stderr and the toolkit's log go
   * @return the exit status
   */
  static int train(Map<String, String> environment, PrintStream out, PrintStream err) {
    Preparation.startInBackground();
    return Trainer.builder(environment, out, err).build().train();
  }
}
