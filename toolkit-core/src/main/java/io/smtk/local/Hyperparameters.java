package io.smtk.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.smtk.python.PythonJson;
import io.smtk.python.PythonJsonException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the hyperparameters given on the command line into what SageMaker writes in {@code
 * hyperparameters.json}: every value JSON-encoded into a string, as the SDK's framework estimators
 * do ({@code lr=0.1} becomes {@code "0.1"}, {@code name=resnet} becomes {@code "\"resnet\""}).
 *
 * <p>A {@code VALUE} on the command line never changes on its way to the script: it is read as JSON
 * only when it parses as JSON <em>and</em> writing the parsed value back as JSON gives exactly the
 * typed text ({@code 0.1}, {@code 10}, {@code true}, {@code null}, {@code [1,2]}, {@code [1, 2]},
 * {@code {"a": 1}}, {@code "quoted"}); otherwise it is the string as typed ({@code resnet}, {@code
 * 1.10}, {@code 1e3}, {@code 007}, {@code a b}). Written back means compactly or with Python's
 * default {@code ", "} and {@code ": "} separators, keys in the typed order, non-ASCII characters
 * as they are. So {@code version=1.10} reaches the script as {@code --version 1.10}, not {@code
 * 1.1}. To pass a string that reads back as JSON, quote it: {@code --hyperparameter 'tag="123"'}.
 */
public final class Hyperparameters {

  /** The names the SDK reserves; {@code smtk local} sets them from its own options. */
  public static final Set<String> RESERVED =
      Set.of(
          "sagemaker_program",
          "sagemaker_submit_directory",
          "sagemaker_job_name",
          "sagemaker_region");

  /**
   * The hyperparameter that sets the toolkit's log level, as the SDK's {@code container_log_level}.
   */
  public static final String LOG_LEVEL = "sagemaker_container_log_level";

  private Hyperparameters() {}

  /**
   * Parses {@code KEY=VALUE} items, in order; a later item wins over an earlier one.
   *
   * @param items the option values
   * @return the values as JSON trees, in first-seen order
   * @throws LocalJobException when an item has no {@code =} or an empty key, or names a reserved
   *     key
   */
  public static Map<String, JsonNode> parse(List<String> items) throws LocalJobException {
    Map<String, JsonNode> values = new LinkedHashMap<>();
    for (String item : items) {
      int equals = item.indexOf('=');
      if (equals <= 0) {
        throw LocalJobException.usage(
            "malformed --hyperparameter '" + item + "': expected KEY=VALUE, e.g. lr=0.1");
      }
      String key = item.substring(0, equals);
      checkKey(key, "--hyperparameter '" + item + "'");
      values.put(key, value(item.substring(equals + 1)));
    }
    return values;
  }

  /**
   * Reads a JSON object of hyperparameters with natural values, as passed to the SDK's {@code
   * hyperparameters={...}}: {@code {"epochs": 10, "optimizer": "adam"}}.
   *
   * @param file the file
   * @return the values, in file order
   * @throws LocalJobException when the file cannot be read or is not a JSON object
   */
  public static Map<String, JsonNode> read(Path file) throws LocalJobException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw LocalJobException.usage(
          "cannot read --hyperparameters " + file + ": " + e.getMessage());
    }
    JsonNode tree;
    try {
      tree = PythonJson.loads(text);
    } catch (PythonJsonException e) {
      throw LocalJobException.usage(
          "--hyperparameters " + file + " is not JSON: " + e.getMessage());
    }
    if (!tree.isObject()) {
      throw LocalJobException.usage(
          "--hyperparameters " + file + " must hold a JSON object, not " + tree.getNodeType());
    }
    Map<String, JsonNode> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = tree.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      checkKey(field.getKey(), "--hyperparameters " + file);
      values.put(field.getKey(), field.getValue());
    }
    return values;
  }

  /**
   * Reads one command-line value: as JSON when it parses and reads back as exactly {@code text},
   * else as the string {@code text} (see the class description).
   *
   * @param text the text after {@code =}
   * @return the value
   */
  public static JsonNode value(String text) {
    JsonNode parsed;
    try {
      parsed = PythonJson.loads(text);
    } catch (PythonJsonException e) {
      return JsonNodeFactory.instance.textNode(text);
    }
    // A JSON string the user quoted on purpose keeps its escapes' meaning ("caf\u00e9" is café).
    if (parsed.isTextual() && text.startsWith("\"") && text.endsWith("\"")) {
      return parsed;
    }
    if (text.equals(PythonJson.dumpsInOrder(parsed, ",", ":"))
        || text.equals(PythonJson.dumpsInOrder(parsed, ", ", ": "))) {
      return parsed;
    }
    return JsonNodeFactory.instance.textNode(text);
  }

  /**
   * Encodes a value as SageMaker stores it in {@code hyperparameters.json}: its JSON text.
   *
   * @param value the natural value
   * @return the JSON text, e.g. {@code 0.1} or {@code "resnet"} with the quotes
   */
  public static String encode(JsonNode value) {
    return PythonJson.dumps(value);
  }

  /**
   * Encodes a Java value ({@code String}, {@code Boolean}, {@code Integer}) as {@link #encode}.
   *
   * @param value the value
   * @return the JSON text
   */
  static String encode(Object value) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (value instanceof Boolean flag) {
      return encode(nodes.booleanNode(flag));
    }
    if (value instanceof Integer number) {
      return encode(nodes.numberNode(number));
    }
    return encode(nodes.textNode(String.valueOf(value)));
  }

  private static void checkKey(String key, String where) throws LocalJobException {
    if (key.isBlank()) {
      throw LocalJobException.usage("malformed " + where + ": the key is empty");
    }
    if (RESERVED.contains(key)) {
      throw LocalJobException.usage(
          where
              + " sets "
              + key
              + ", which smtk local sets itself (use --entry-point, --source-dir,"
              + " --job-name or --region)");
    }
  }
}
