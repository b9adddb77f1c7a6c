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
 * <p>A {@code VALUE} on the command line is read as JSON when it parses as JSON ({@code 0.1},
 * {@code true}, {@code [1,2]}, {@code "quoted"}) and as a plain string otherwise ({@code resnet},
 * {@code a b}). To pass a string that looks like JSON, quote it: {@code --hyperparameter
 * 'tag="123"'}.
 */
public final class Hyperparameters {

  /** The names the SDK reserves; {@code smtk local} sets them from its own options. */
  public static final Set<String> RESERVED =
      Set.of(
          "sagemaker_program",
          "sagemaker_submit_directory",
          "sagemaker_job_name",
          "sagemaker_region",
          "sagemaker_container_log_level");

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
   * Reads one command-line value: as JSON when it parses, else as a string.
   *
   * @param text the text after {@code =}
   * @return the value
   */
  public static JsonNode value(String text) {
    try {
      return PythonJson.loads(text);
    } catch (PythonJsonException e) {
      return JsonNodeFactory.instance.textNode(text);
    }
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
