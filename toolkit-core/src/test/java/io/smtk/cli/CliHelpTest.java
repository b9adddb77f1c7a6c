package io.smtk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Tests for the help and version text of {@code smtk} ({@link Cli}, {@link VersionProvider}). */
class CliHelpTest {

  @ParameterizedTest
  @ValueSource(strings = {"", "train", "local", "api"})
  void usage_everyCommand_fitsIn80Columns(String command) {
    String help = usage(command, Cli.WIDTH);

    assertThat(help.lines())
        .as(help)
        .allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "train", "local", "api"})
  void usage_every80ColumnLayout_onlyBreaksBetweenWords(String command) {
    // Laid out without a width limit the same words come in the same order: wrapping at 80 columns
    // may
    // move words to the next line but never cut one (as "output.tar.\ngz" was).
    List<String> wrapped = words(usage(command, Cli.WIDTH));
    List<String> unwrapped = words(usage(command, 1000));

    assertThat(wrapped).isEqualTo(unwrapped);
  }

  @Test
  void usage_smtk_listsEachCommandWithAWholeSentence() {
    String help = usage("", Cli.WIDTH);
    String commands = help.substring(help.indexOf("Commands:"));

    assertThat(commands.replaceAll("\\s+", " ").strip())
        .isEqualTo(
            "Commands: train Runs the training job under"
                + " SAGEMAKER_BASE_DIR (default /opt/ml), as SageMaker's 'docker run IMAGE train' does. local Runs a"
                + " SageMaker training job on this machine, with no AWS account and no network.");
  }

  @Test
  void usage_local_statesTheRulesAUserMeetsFirst() {
    String help = usage("local", Cli.WIDTH).replaceAll("\\s+", " ");

    assertThat(help)
        .contains("--env=NAME=VALUE")
        .contains(
            "--hyperparameter K=V takes V as JSON only when the value reads back as exactly what was typed")
        .contains("version=1.10 stays 1.10")
        .contains("Python: --python, else SMTK_PYTHON, else python3 on PATH")
        .contains("--env SMTK_TORCH_LAUNCHER=env")
        .contains("--gpus=all|N")
        .contains("--log-level=LEVEL");
  }

  @Test
  void version_builtFromThisCheckout_showsVersionAndCommit() {
    StringWriter out = new StringWriter();
    CommandLine commandLine = Cli.commandLine();
    commandLine.setOut(new PrintWriter(out));

    int status = commandLine.execute("--version");

    assertThat(status).isZero();
    assertThat(out.toString().strip())
        .matches(
            "smtk \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit [0-9a-f]{40}(, built with uncommitted changes)?\\)");
  }

  @Test
  void line_noGitAtBuildTime_saysTheCommitIsUnknown() {
    Properties build = new Properties();
    build.setProperty("version", "1.2.3");
    build.setProperty("commit", "${git.commit.id}");

    assertThat(VersionProvider.line(build))
        .isEqualTo("smtk 1.2.3 (commit unknown: built outside a git checkout)");
  }

  @Test
  void line_cleanAndDirtyBuilds_commitAndWhetherItHadChanges() {
    Properties build = new Properties();
    build.setProperty("version", "1.2.3");
    build.setProperty("commit", "0123456789abcdef0123456789abcdef01234567");
    build.setProperty("dirty", "false");
    assertThat(VersionProvider.line(build))
        .isEqualTo("smtk 1.2.3 (commit 0123456789abcdef0123456789abcdef01234567)");

    build.setProperty("dirty", "true");
    assertThat(VersionProvider.line(build)).endsWith(", built with uncommitted changes)");
  }

  private static String usage(String command, int width) {
    CommandLine commandLine = Cli.commandLine();
    CommandLine target =
        command.isEmpty() ? commandLine : commandLine.getSubcommands().get(command);
    target.getCommandSpec().usageMessage().width(width);
    StringWriter out = new StringWriter();
    target.usage(new PrintWriter(out), CommandLine.Help.Ansi.OFF);
    return out.toString();
  }

  private static List<String> words(String text) {
    return Arrays.stream(text.split("\\s+")).filter(word -> !word.isEmpty()).toList();
  }
}
