package io.smtk.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code smtk} command, which only groups the subcommands. */
@Command(
    name = "smtk",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    usageHelpWidth = Cli.WIDTH,
    description = "A SageMaker training toolkit: runs training jobs as SageMaker runs them.",
    subcommands = {TrainCommand.class, LocalCommand.class, ApiCommand.class})
final class SmtkCommand implements Runnable {

  @Spec private CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
