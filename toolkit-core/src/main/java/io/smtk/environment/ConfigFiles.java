package io.smtk.environment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smtk.python.PythonJson;
import io.smtk.python.PythonJsonException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the JSON files SageMaker writes under {@code input/config} as the Python toolkit does, with
 * Python's {@code json.load} (NaN, big integers, duplicate keys: last wins).
 *
 * <p>It uses {@link PythonJson} rather than a Jackson {@code ObjectMapper}: the same parser the
 * hyperparameter values need, and no mapper to build on the start-up path of every job.
 */
public final class ConfigFiles {

  private ConfigFiles() {}

  /**
   * Reads a configuration file that must hold a JSON object.
   *
   * @param file the file
   * @return its object, with keys in file order
   * @throws InvalidTrainingConfigException when the file is missing, unreadable, not UTF-8, not
   *     JSON or not an object; the message names the file and, for bad JSON, the line and column
   */
  public static ObjectNode readObject(Path file) throws InvalidTrainingConfigException {
    String text;
    try {
      byte[] bytes = Files.readAllBytes(file);
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
    } catch (NoSuchFileException e) {
      throw new InvalidTrainingConfigException("Configuration file " + file + " does not exist");
    } catch (CharacterCodingException e) {
      throw new InvalidTrainingConfigException(
          "Configuration file " + file + " is not UTF-8 text", e);
    } catch (IOException e) {
      throw new InvalidTrainingConfigException(
          "Configuration file " + file + " cannot be read: " + e.getMessage(), e);
    }
    JsonNode node;
    try {
      node = PythonJson.loads(text);
    } catch (PythonJsonException e) {
      throw new InvalidTrainingConfigException(
          "Configuration file "
              + file
              + " is not valid JSON: "
              + e.reason()
              + " (line "
              + e.line()
              + ", column "
              + e.column()
              + ")",
          e);
    }
    if (!node.isObject()) {
      throw new InvalidTrainingConfigException(
          "Configuration file " + file + " must hold a JSON object, not " + describe(node));
    }
    return (ObjectNode) node;
  }

  /**
   * Names a JSON value's type for error messages.
   *
   * @param node the value
   * @return for example "an array" or "the string \"x\""
   */
  static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    switch (node.getNodeType()) {
      case ARRAY:
        return "an array";
      case OBJECT:
        return "an object";
      case STRING:
        return "the string " + node;
      case NULL:
        return "null";
      case BOOLEAN:
        return "the boolean " + node;
      case NUMBER:
        return "the number " + node;
      default:
        return node.getNodeType().toString().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Reads a required string member.
   *
   * @param object the object
   * @param key the member
   * @param file the file, for messages
   * @param within the enclosing member, for messages, or null
   * @return the value
   * @throws InvalidTrainingConfigException when it is missing or not a string
   */
  static String requiredString(ObjectNode object, String key, Path file, String within)
      throws InvalidTrainingConfigException {
    String where = within == null ? "'" + key + "'" : "'" + key + "' of '" + within + "'";
    JsonNode value = object.get(key);
    if (value == null) {
      throw new InvalidTrainingConfigException(where + " is missing in " + file);
    }
    if (!value.isTextual()) {
      throw new InvalidTrainingConfigException(
          where + " in " + file + " must be a string, not " + describe(value));
    }
    return value.textValue();
  }

  /**
   * Reads an optional string member.
   *
   * @param object the object
   * @param key the member
   * @param fallback the value when absent
   * @param file the file, for messages
   * @return the value
   * @throws InvalidTrainingConfigException when it is not a string
   */
  static String optionalString(ObjectNode object, String key, String fallback, Path file)
      throws InvalidTrainingConfigException {
    JsonNode value = object.get(key);
    if (value == null) {
      return fallback;
    }
    if (!value.isTextual()) {
      throw new InvalidTrainingConfigException(
          "'" + key + "' in " + file + " must be a string, not " + describe(value));
    }
    return value.textValue();
  }

  /**
   * Reads a list of strings.
   *
   * @param value the member's value, or null when absent
   * @param key the member, for messages
   * @param file the file, for messages
   * @param required whether absence is an error
   * @return the strings
   * @throws InvalidTrainingConfigException when it is missing (and required) or not a list of
   *     strings
   */
  static List<String> stringList(JsonNode value, String key, Path file, boolean required)
      throws InvalidTrainingConfigException {
    if (value == null) {
      if (required) {
        throw new InvalidTrainingConfigException("'" + key + "' is missing in " + file);
      }
      return List.of();
    }
    if (!value.isArray()) {
      throw new InvalidTrainingConfigException(
          "'" + key + "' in " + file + " must be a list of strings, not " + describe(value));
    }
    List<String> strings = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw new InvalidTrainingConfigException(
            "'" + key + "' in " + file + " must be a list of strings, but holds " + describe(item));
      }
      strings.add(item.textValue());
    }
    return List.copyOf(strings);
  }
}
