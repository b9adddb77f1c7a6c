package io.smtk.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.smtk.process.CommandLine;
import io.smtk.python.PythonJson;
import io.smtk.python.PythonRepr;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Hides the values of hyperparameters whose names look secret ({@code db_password}, {@code
 * api_token}, ...) in what the toolkit shows: every log line and the failure file show {@code ****}
 * instead, while the user's process still gets the real values.
 *
 * <p>A name looks secret when it contains one of {@link #DEFAULT_NAME_FRAGMENTS} (or a fragment the
 * job adds with {@code SMTK_REDACT_NAMES}) not followed by a letter, after lower-casing and reading
 * {@code -} and {@code .} as {@code _}: {@code db_password}, {@code HF_TOKEN}, {@code apiKey} and
 * {@code password2} do, {@code max_tokens} and {@code tokenizer} do not. Keys inside object values
 * count too.
 *
 * <p>The values are found where the contract renders them: after {@code --name} in a command line
 * (quoted as a shell reads it, also inside a quoted {@code sh -c} line), after {@code SM_HP_NAME=},
 * as the member {@code "name":value} of JSON ({@code SM_HPS}, {@code SM_TRAINING_ENV}, the logged
 * training environment), next to {@code "--name"} in {@code SM_USER_ARGS}, and as {@code
 * name=value} in a dict argument. A value of at least {@value #BARE_MIN_LENGTH} characters is also
 * hidden wherever else it appears (a traceback, a framework's log line); shorter ones only in those
 * places, because hiding every {@code 1} of a log would garble it.
 */
public final class Redaction implements UnaryOperator<String> {

  /** What a hidden value is shown as. */
  public static final String MASK = "****";

  /** The name fragments that make a hyperparameter secret. */
  public static final List<String> DEFAULT_NAME_FRAGMENTS =
      List.of(
          "password",
          "passwd",
          "passphrase",
          "pwd",
          "secret",
          "secrets",
          "token",
          "api_key",
          "apikey",
          "credential",
          "credentials",
          "private_key",
          "privatekey",
          "access_key",
          "accesskey");

  /** The shortest value hidden wherever it appears, not only where the contract renders it. */
  static final int BARE_MIN_LENGTH = 8;

  private static final Redaction NONE = new Redaction(List.of());
  private static final String MASK_JSON = "\"" + MASK + "\"";

  private final List<Map.Entry<String, String>> replacements;

  private Redaction(List<Map.Entry<String, String>> replacements) {
    this.replacements = List.copyOf(replacements);
  }

  /**
   * Returns a redaction that hides nothing.
   *
   * @return the redaction
   */
  public static Redaction none() {
    return NONE;
  }

  /**
   * Builds the redaction of a job's hyperparameters.
   *
   * @param hyperparameters the decoded user hyperparameters
   * @param extraFragments name fragments to add to {@link #DEFAULT_NAME_FRAGMENTS}
   * @return the redaction; {@link #none()} when no name looks secret
   */
  public static Redaction of(ObjectNode hyperparameters, List<String> extraFragments) {
    List<String> fragments = new ArrayList<>(DEFAULT_NAME_FRAGMENTS);
    for (String fragment : extraFragments) {
      fragments.add(normalize(fragment));
    }
    Map<String, String> replacements = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = hyperparameters.properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (isSecretName(entry.getKey(), fragments)) {
        addTopLevel(entry.getKey(), entry.getValue(), replacements);
      } else {
        addNested(entry.getValue(), fragments, replacements);
      }
    }
    if (replacements.isEmpty()) {
      return NONE;
    }
    List<Map.Entry<String, String>> ordered = new ArrayList<>(replacements.entrySet());
    // Longest first: a value in its context is hidden before a bare occurrence could cut it.
    ordered.sort(
        Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed());
    return new Redaction(ordered);
  }

  /**
   * Tells whether a hyperparameter name looks secret.
   *
   * @param name the name
   * @param fragments the fragments, lower case with {@code _} for {@code -} and {@code .}
   * @return true when a fragment occurs in the name, not followed by a letter
   */
  public static boolean isSecretName(String name, List<String> fragments) {
    String normalized = normalize(name);
    for (String fragment : fragments) {
      if (fragment.isEmpty()) {
        continue;
      }
      for (int at = normalized.indexOf(fragment);
          at >= 0;
          at = normalized.indexOf(fragment, at + 1)) {
        int end = at + fragment.length();
        if (end == normalized.length() || !Character.isLetter(normalized.charAt(end))) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Tells whether this redaction hides anything.
   *
   * @return false for {@link #none()}
   */
  public boolean hidesAnything() {
    return !replacements.isEmpty();
  }

  /**
   * Returns the text with every secret value shown as {@link #MASK}.
   *
   * @param text the text, or null
   * @return the redacted text
   */
  @Override
  public String apply(String text) {
    if (text == null || replacements.isEmpty()) {
      return text;
    }
    String result = text;
    for (Map.Entry<String, String> replacement : replacements) {
      result = result.replace(replacement.getKey(), replacement.getValue());
    }
    return result;
  }

  private static void addTopLevel(String name, JsonNode value, Map<String, String> replacements) {
    String argument = ScriptContract.argumentValue(value);
    if (argument.isEmpty()) {
      return;
    }
    int length = name.codePointCount(0, name.length());
    if (length > 0) {
      String option = (length == 1 ? "-" : "--") + name;
      String quoted = CommandLine.quote(argument);
      replacements.put(option + " " + quoted, option + " " + MASK);
      replacements.put(option + " " + argument, option + " " + MASK);
      // The same pair inside a quoted sh -c line, as CommandLine.render shows mpirun's rank
      // command.
      replacements.put(option + " " + quoted.replace("'", "'\"'\"'"), option + " " + MASK);
      replacements.put(
          json(option) + "," + json(argument), json(option) + "," + MASK_JSON); // SM_USER_ARGS
    }
    String variable = ScriptContract.variableName("hp_" + name);
    replacements.put(
        variable + "=" + ScriptContract.variableValue(value), variable + "=" + MASK); // SM_HP_*
    addMember(name, value, replacements);
  }

  private static void addNested(
      JsonNode value, List<String> fragments, Map<String, String> replacements) {
    if (value.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        if (isSecretName(entry.getKey(), fragments)) {
          addMember(entry.getKey(), entry.getValue(), replacements);
          // A dict argument renders its members as name=str(value).
          String shown = PythonRepr.str(entry.getValue());
          if (!shown.isEmpty()) {
            replacements.put(entry.getKey() + "=" + shown, entry.getKey() + "=" + MASK);
          }
        } else {
          addNested(entry.getValue(), fragments, replacements);
        }
      }
    } else if (value.isArray()) {
      for (JsonNode item : value) {
        addNested(item, fragments, replacements);
      }
    }
  }

  /** The value as a JSON member, and the value alone when it is long enough to be unambiguous. */
  private static void addMember(String name, JsonNode value, Map<String, String> replacements) {
    String json = PythonJson.dumps(value);
    replacements.put(json(name) + ":" + json, json(name) + ":" + MASK_JSON);
    List<String> bare = new ArrayList<>();
    bare.add(json);
    bare.add(ScriptContract.argumentValue(value));
    bare.add(ScriptContract.variableValue(value));
    if (value.isTextual()) {
      bare.add(json.substring(1, json.length() - 1)); // escaped as inside any JSON string
      bare.add(CommandLine.quote(value.textValue()));
    }
    for (String text : bare) {
      if (text.codePointCount(0, text.length()) >= BARE_MIN_LENGTH) {
        replacements.putIfAbsent(text, MASK);
      }
    }
  }

  private static String json(String text) {
    return PythonJson.dumps(TextNode.valueOf(text));
  }

  private static String normalize(String name) {
    return name.toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_');
  }
}
