package io.smtk.distributed.mpi;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The custom MPI options hyperparameter, parsed: the {@code --NCCL_DEBUG} level the toolkit
 * consumes and every other token, passed to mpirun verbatim in the user's order.
 *
 * <p>Parsing follows the Python toolkit's {@code argparse.parse_known_args(options.split())} with
 * one known option, {@code --NCCL_DEBUG} (default {@code INFO}), for every input the reference
 * accepts:
 *
 * <ul>
 *   <li>{@code --NCCL_DEBUG VALUE} and {@code --NCCL_DEBUG=VALUE}; the last occurrence wins;
 *   <li>unambiguous prefixes such as {@code --NCCL WARN} (argparse abbreviations; kept so existing
 *       jobs behave the same);
 *   <li>everything after a lone {@code --} is passed through, {@code --} included;
 *   <li>a value may start with {@code -} only if it is a negative number, as in argparse.
 * </ul>
 *
 * <p>Differences, all deliberate:
 *
 * <ul>
 *   <li>Tokens are split like a POSIX shell: single quotes, double quotes (with {@code \"}, {@code
 *       \\}, {@code \$} and {@code \`} escapes) and backslash escapes group text, so {@code --mca
 *       plm_rsh_args "-F /etc/ssh_config"} yields one {@code -F /etc/ssh_config} token. Input
 *       without quotes or backslashes splits exactly as Python's {@code str.split()}; with them,
 *       the reference would have passed the quote characters on literally. No expansion happens.
 *   <li>Where argparse ended the toolkit ({@code --NCCL_DEBUG} without a value, {@code -h}, {@code
 *       --help} or its prefixes), and for an empty value or an unterminated quote, {@link #parse}
 *       throws {@link InvalidMpiOptionsException} naming the option. {@code -h} would otherwise
 *       make mpirun print its help and report success without training.
 * </ul>
 *
 * @param ncclDebug the value for {@code -x NCCL_DEBUG=}
 * @param additional the remaining tokens in order
 */
public record MpiOptions(String ncclDebug, List<String> additional) {

  /** The NCCL_DEBUG level when the options do not set one. */
  public static final String DEFAULT_NCCL_DEBUG = "INFO";

  private static final String NCCL_DEBUG = "--NCCL_DEBUG";
  private static final String HELP = "--help";
  // argparse lets a value start with '-' only when it looks like a negative number.
  private static final Pattern NEGATIVE_NUMBER = Pattern.compile("^-\\d+$|^-\\d*\\.\\d+$");

  /** Makes the options immutable. */
  public MpiOptions {
    additional = List.copyOf(additional);
  }

  /**
   * Parses a custom MPI options string.
   *
   * @param customMpiOptions the hyperparameter value; "" gives {@code INFO} and no extra tokens
   * @return the parsed options
   * @throws InvalidMpiOptionsException if an option is unusable (see the class description)
   */
  public static MpiOptions parse(String customMpiOptions) throws InvalidMpiOptionsException {
    List<String> tokens = tokenize(customMpiOptions);
    String ncclDebug = DEFAULT_NCCL_DEBUG;
    List<String> additional = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      if (token.equals("--")) {
        additional.addAll(tokens.subList(i, tokens.size()));
        break;
      }
      if (token.equals("-h") || isLongOptionPrefix(token, HELP)) {
        throw new InvalidMpiOptionsException(
            token,
            customMpiOptions,
            "help options are not allowed (mpirun would print its help instead of training)");
      }
      int equals = token.indexOf('=');
      String name = equals >= 0 ? token.substring(0, equals) : token;
      if (!isLongOptionPrefix(name, NCCL_DEBUG)) {
        additional.add(token);
        continue;
      }
      String value;
      if (equals >= 0) {
        value = token.substring(equals + 1);
      } else {
        if (i + 1 >= tokens.size() || isOptionLike(tokens.get(i + 1))) {
          throw new InvalidMpiOptionsException(
              token, customMpiOptions, "expected a value, for example --NCCL_DEBUG WARN");
        }
        value = tokens.get(++i);
      }
      if (value.isEmpty()) {
        throw new InvalidMpiOptionsException(
            token, customMpiOptions, "the value is empty, for example use --NCCL_DEBUG=WARN");
      }
      ncclDebug = value;
    }
    return new MpiOptions(ncclDebug, additional);
  }

  /**
   * Splits options into tokens the way a POSIX shell would, without expansions.
   *
   * @param text the options
   * @return the tokens, empty for blank text
   * @throws InvalidMpiOptionsException if a quote is not closed or the text ends in a backslash
   */
  static List<String> tokenize(String text) throws InvalidMpiOptionsException {
    List<String> tokens = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean inToken = false;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        if (inToken) {
          tokens.add(current.toString());
          current.setLength(0);
          inToken = false;
        }
        i++;
      } else if (c == '\'') {
        int end = text.indexOf('\'', i + 1);
        if (end < 0) {
          throw new InvalidMpiOptionsException(
              text.substring(i), text, "the single quote is not closed");
        }
        current.append(text, i + 1, end);
        inToken = true;
        i = end + 1;
      } else if (c == '"') {
        int j = i + 1;
        while (j < text.length() && text.charAt(j) != '"') {
          char d = text.charAt(j);
          if (d == '\\' && j + 1 < text.length() && "\"\\$`".indexOf(text.charAt(j + 1)) >= 0) {
            current.append(text.charAt(j + 1));
            j += 2;
          } else {
            current.append(d);
            j++;
          }
        }
        if (j >= text.length()) {
          throw new InvalidMpiOptionsException(
              text.substring(i), text, "the double quote is not closed");
        }
        inToken = true;
        i = j + 1;
      } else if (c == '\\') {
        if (i + 1 >= text.length()) {
          throw new InvalidMpiOptionsException("\\", text, "nothing follows the backslash");
        }
        current.append(text.charAt(i + 1));
        inToken = true;
        i += 2;
      } else {
        current.append(c);
        inToken = true;
        i++;
      }
    }
    if (inToken) {
      tokens.add(current.toString());
    }
    return tokens;
  }

  // argparse accepts any unambiguous prefix of a long option; "--NCCL_DEBUG" and "--help" share
  // none.
  private static boolean isLongOptionPrefix(String token, String option) {
    return token.length() > 2 && token.startsWith("--") && option.startsWith(token);
  }

  private static boolean isOptionLike(String token) {
    return token.startsWith("-") && !NEGATIVE_NUMBER.matcher(token).matches();
  }
}
