package io.smtk.environment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads the JSON files SageMaker writes under {@code input/config} with Python's leniency. */
public final class ConfigFiles {

  /**
   * The one mapper for configuration files: integers keep every digit and NaN/Infinity parse, as
   * they do with Python's {@code json.load}.
   */
  public static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  private ConfigFiles() {}

  /**
   * Reads a configuration file that must hold a JSON object.
   *
   * @param file the file
   * @return its object, with keys in file order
   * @throws InvalidTrainingConfigException when the file is missing, unreadable, not JSON or not an
   *     object; the message names the file
   */
  public static ObjectNode readObject(Path file) throws InvalidTrainingConfigException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidTrainingConfigException("Configuration file " + file + " does not exist");
    } catch (IOException e) {
      throw new InvalidTrainingConfigException(
          "Configuration file " + file + " cannot be read: " + e.getMessage(), e);
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new InvalidTrainingConfigException(
          "Configuration file " + file + " is not valid JSON: " + e.getOriginalMessage()
              + location(e),
          e);
    } catch (IOException e) {
      throw new InvalidTrainingConfigException(
          "Configuration file " + file + " cannot be read: " + e.getMessage(), e);
    }
    if (node == null || node.isMissingNode()) {
      throw new InvalidTrainingConfigException("Configuration file " + file + " is empty");
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
        return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static String location(JsonProcessingException e) {
    if (e.getLocation() == null) {
      return "";
    }
    return " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
  }
}
