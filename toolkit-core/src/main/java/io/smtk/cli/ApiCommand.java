package io.smtk.cli;

import io.smtk.training.PythonApiCommand;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code smtk api}: answers one request of smtk's Python package when no toolkit is running. */
@Command(
    name = "api",
    hidden = true,
    mixinStandardHelpOptions = true,
    usageHelpWidth = Cli.WIDTH,
    description = {
      "Answers one request of smtk's Python package (sagemaker_training) outside a running job.",
      "",
      "For example Environment() in a script started by hand in a container."
    })
final class ApiCommand implements Callable<Integer> {

  @Option(names = "--request", required = true, description = "The request: a JSON file.")
  private Path request;

  @Option(names = "--reply", required = true, description = "Where the JSON reply is written.")
  private Path reply;

  @Override
  public Integer call() {
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
    return PythonApiCommand.answer(System.getenv(), request, reply, out, err);
  }
}
