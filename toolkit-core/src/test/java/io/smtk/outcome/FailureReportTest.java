package io.smtk.outcome;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.process.CommandLine;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link FailureReport}. */
class FailureReportTest {

  @Test
  void calledProcess_shortError_referenceLayout() {
    String report =
        FailureReport.calledProcess(
            "ExecuteUserScriptError",
            1,
            "ValueError: boom\n",
            null,
            List.of("/usr/bin/python3", "train.py", "--name", "two words"));

    assertThat(report)
        .isEqualTo(
            "ExecuteUserScriptError:\nExitCode 1\nErrorMessage \"ValueError: boom\"\n"
                + "Command \"/usr/bin/python3 train.py --name 'two words'\"");
  }

  @Test
  void calledProcess_hugeTraceback_summaryFitsAndKeepsTheEnd() {
    StringBuilder traceback = new StringBuilder("Traceback (most recent call last):\n");
    for (int i = 0; i < 500; i++) {
      traceback
          .append("  File \"/opt/ml/code/deep.py\", line ")
          .append(i)
          .append(", in f\n    f()\n");
    }
    traceback.append("RecursionError: maximum recursion depth exceeded");

    String report =
        FailureReport.calledProcess(
            "ExecuteUserScriptError",
            1,
            traceback.toString(),
            "OutOfMemory: Process killed by SIGKILL (signal 9)",
            List.of("python3", "train.py"));
    String summary = report.substring(0, FailureReport.SUMMARY_LIMIT);

    assertThat(summary)
        .startsWith("ExecuteUserScriptError:\nExitCode 1\nErrorMessage \"…")
        .contains("RecursionError: maximum recursion depth exceeded\"\n")
        .contains("ExtraInfo \"OutOfMemory")
        .contains("Command \"python3 train.py\"");
    assertThat(report).contains("Error output:\nTraceback (most recent call last):");
  }

  @Test
  void commandLine_specialCharacters_quotedForAShell() {
    assertThat(CommandLine.render(List.of("./t.sh", "$HOME", "it's", "")))
        .isEqualTo("./t.sh '$HOME' 'it'\"'\"'s' ''");
  }

  @Test
  void printable_controlCharactersAndLoneSurrogates_escapedAsPythonReprDoes() {
    String raw =
        "red \u001b[31mtext\u001b[0m\u0000nul\r\n\ttab\u007f\u0085 \ud800 ok \ud83d\ude00 é";

    assertThat(FailureReport.printable(raw))
        .isEqualTo(
            "red \\x1b[31mtext\\x1b[0m\\x00nul\\r\n\ttab\\x7f\\x85 \\ud800 ok \ud83d\ude00 é");
  }

  @Test
  void printable_plainText_sameInstance() {
    String text = "Traceback:\n\tValueError: é ✓";

    assertThat(FailureReport.printable(text)).isSameAs(text);
  }
}
