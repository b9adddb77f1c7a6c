package io.smtk.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of {@link CommandLine#quote} and of the blank-line stripping in {@link ErrorTail},
 * both written as loops for start-up's sake: each must agree with the regular expression it
 * replaced, Python's {@code shlex.quote} safe set and {@code \A(?:[ \t\r]*\n)+}.
 */
class CommandLinePropertiesTest {

  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");
  private static final Pattern LEADING_BLANK_LINES = Pattern.compile("\\A(?:[ \\t\\r]*\\n)+");

  @Property(tries = 2000)
  void quote_anyString_unquotedExactlyWhenShlexWouldLeaveIt(@ForAll("shellish") String argument) {
    String quoted = CommandLine.quote(argument);

    if (!argument.isEmpty() && SHELL_SAFE.matcher(argument).matches()) {
      assertThat(quoted).isEqualTo(argument);
    } else {
      assertThat(quoted).startsWith("'").endsWith("'");
    }
  }

  @Example
  void quote_awkwardArguments_shellReadsThemBack() throws Exception {
    List<String> arguments =
        List.of("", "plain", "two words", "it's", "$HOME", "a\"b", "tab\there", "é", "-x=1,2");
    for (String argument : arguments) {
      Process shell =
          new ProcessBuilder("sh", "-c", "printf %s " + CommandLine.quote(argument))
              .redirectErrorStream(true)
              .start();
      String read = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(shell.waitFor()).isZero();
      assertThat(read).as("sh read back %s", argument).isEqualTo(argument);
    }
  }

  @Property(tries = 2000)
  void errorText_noTraceback_leadingBlankLinesStrippedAsTheRegexDid(
      @ForAll("blankish") String text) {
    ErrorTail stderr = new ErrorTail();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    stderr.append(bytes, 0, bytes.length);

    String expected = text.stripTrailing();
    int end = expected.endsWith("\n") ? expected.length() - 1 : expected.length();
    int from = end;
    for (int lines = 0; lines < ErrorTail.FALLBACK_LINES && from >= 0; lines++) {
      from = expected.lastIndexOf('\n', from - 1);
    }
    String tail = from < 0 ? expected : expected.substring(from + 1);
    tail = LEADING_BLANK_LINES.matcher(tail).replaceFirst("");

    assertThat(ErrorTail.errorText(stderr, new ErrorTail())).isEqualTo(tail);
  }

  @Provide
  Arbitrary<String> shellish() {
    return Arbitraries.strings()
        .withChars("aZ09_@%+=:,./-' \"$\\\t\n*?é")
        .withCharRange('\u0000', '\u007f')
        .ofMaxLength(12);
  }

  @Provide
  Arbitrary<String> blankish() {
    return Arbitraries.strings().withChars(" \t\r\nab").ofMaxLength(40);
  }
}
