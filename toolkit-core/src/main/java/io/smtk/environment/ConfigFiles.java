package io.smtk.environment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.smtk.python.PythonJson;
import io.smtk.python.PythonJsonException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the JSON files SageMaker writes under {@code input/config} as the Python toolkit does, with
 * Python's {@code json.load} (NaN, big integers, duplicate keys: last wins).
 *
 * <p>It uses {@link PythonJson} rather than a Jackson {@code ObjectMapper}: the same parser the
 * hyperparameter values need, and no mapper to build on the start-up path of every job.
 */
public final class ConfigFiles {

  /**
   * The largest configuration file read, so that a huge file is a configuration error rather than
   * an OutOfMemoryError. SageMaker's own limits (100 hyperparameters, names of 256 and values of
   * 2,500 characters, 20 channels) give files of at most about 1.7 MB even with every character
   * escaped; this is more than twice that.
   */
  public static final int MAX_FILE_BYTES = 4 << 20;

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
      byte[] bytes;
      // Bounded: never more than the limit in memory, whatever the file is (a FIFO, /dev/zero).
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(MAX_FILE_BYTES + 1);
      }
      if (bytes.length > MAX_FILE_BYTES) {
        throw new InvalidTrainingConfigException(
            "Configuration file "
                + file
                + " is larger than "
                + MAX_FILE_BYTES
                + " bytes, the most the toolkit reads (SageMaker's own limits keep its files"
                + " under 2 MB)");
      }
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
    checkText(node, file, "");
    return (ObjectNode) node;
  }

  /**
   * Refuses a NUL character or a lone surrogate anywhere in a configuration tree (keys and
   * strings): neither can reach a process (an environment variable or argument cannot hold NUL, and
   * a lone surrogate is not text UTF-8 can carry; it would silently become {@code ?}).
   *
   * @param node the tree
   * @param file where it was read, for messages
   * @param where the path of {@code node} in the file ("" at the top)
   * @throws InvalidTrainingConfigException naming the file and the key
   */
  static void checkText(JsonNode node, Path file, String where)
      throws InvalidTrainingConfigException {
    TextProblem problem = findTextProblem(node, where);
    if (problem != null) {
      throw new InvalidTrainingConfigException(
          (problem.inKey() ? "Key " + problem.path() : "The value of " + problem.path())
              + " in "
              + file
              + " holds "
              + problem.what());
    }
  }

  /**
   * Finds the first key or string in a tree that holds what no process can receive.
   *
   * @param node the tree
   * @param where the path of {@code node} ("" at the top)
   * @return the problem, or null when there is none
   */
  static TextProblem findTextProblem(JsonNode node, String where) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        String path =
            where.isEmpty() ? quoted(entry.getKey()) : where + "." + quoted(entry.getKey());
        String what = textProblem(entry.getKey());
        if (what != null) {
          return new TextProblem(path, true, what);
        }
        TextProblem inside = findTextProblem(entry.getValue(), path);
        if (inside != null) {
          return inside;
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        TextProblem inside = findTextProblem(node.get(i), where + "[" + i + "]");
        if (inside != null) {
          return inside;
        }
      }
    } else if (node.isTextual()) {
      String what = textProblem(node.textValue());
      if (what != null) {
        return new TextProblem(where.isEmpty() ? "the file" : where, false, what);
      }
    }
    return null;
  }

  /**
   * Where a tree holds text no process can receive.
   *
   * @param path the key's path, e.g. {@code "a"."b"[2]}
   * @param inKey whether the key itself holds it (else the value at the path)
   * @param what what it holds, e.g. "a NUL character (...)"
   */
  record TextProblem(String path, boolean inKey, String what) {}

  /**
   * Says what in a text cannot reach a process, if anything.
   *
   * @param text the text
   * @return "a NUL character ..." or "a lone surrogate ...", or null when the text is fine
   */
  static String textProblem(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        return "a NUL character (\\u0000), which no environment variable or argument can carry";
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "a lone surrogate ("
            + quoted(String.valueOf(c)).replace("\"", "")
            + "), which is not text a process can receive";
      }
    }
    return null;
  }

  /**
   * Quotes a name for a message, escaped as JSON does, so that it shows whatever it holds.
   *
   * @param name the name
   * @return the name in double quotes, with NUL, surrogates and non-ASCII characters escaped
   */
  static String quoted(String name) {
    return PythonJson.dumps(TextNode.valueOf(name));
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
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "the string " + node;
      case NULL -> "null";
      case BOOLEAN -> "the boolean " + node;
      case NUMBER -> "the number " + node;
      default -> node.getNodeType().toString().toLowerCase(Locale.ROOT);
    };
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
