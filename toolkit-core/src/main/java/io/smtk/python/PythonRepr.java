package io.smtk.python;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Prints a decoded JSON value as Python's {@code str()} and {@code repr()} print it. */
public final class PythonRepr {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private PythonRepr() {}

  /**
   * Returns Python's {@code str(value)}: a string as itself, anything else as {@link #repr}, e.g.
   * {@code [1, 'a', True, None, 1.5]} or {@code {'z': None, 'a': [1, 2]}}.
   *
   * @param value a tree of objects, arrays, strings, numbers, booleans and nulls
   * @return the text Python prints
   * @throws IllegalArgumentException if the tree holds a node Python could not have decoded
   */
  public static String str(JsonNode value) {
    return value.isTextual() ? value.textValue() : repr(value);
  }

  /**
   * Returns Python's {@code repr(value)}: like {@link #str}, but a string is quoted and escaped as
   * it is inside a list, e.g. {@code 'a\nb'} or {@code "it's"}.
   *
   * @param value a tree of objects, arrays, strings, numbers, booleans and nulls
   * @return the text Python prints
   * @throws IllegalArgumentException if the tree holds a node Python could not have decoded
   */
  public static String repr(JsonNode value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  private static void write(JsonNode value, StringBuilder out) {
    switch (value.getNodeType()) {
      case NULL -> out.append("None");
      case BOOLEAN -> out.append(value.booleanValue() ? "True" : "False");
      case STRING -> writeString(value.textValue(), out);
      case NUMBER -> {
        if (value.isIntegralNumber()) {
          out.append(value.bigIntegerValue());
        } else {
          out.append(PythonFloat.repr(value.doubleValue()));
        }
      }
      case ARRAY -> {
        out.append('[');
        for (int i = 0; i < value.size(); i++) {
          if (i > 0) {
            out.append(", ");
          }
          write(value.get(i), out);
        }
        out.append(']');
      }
      case OBJECT -> {
        // A dict prints in insertion order, which an ObjectNode keeps.
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
          if (!first) {
            out.append(", ");
          }
          first = false;
          writeString(entry.getKey(), out);
          out.append(": ");
          write(entry.getValue(), out);
        }
        out.append('}');
      }
      default ->
          throw new IllegalArgumentException(
              "No Python value for a JSON node of type " + value.getNodeType());
    }
  }

  // Follows CPython's unicode_repr: prefer single quotes, switch to double quotes only when that
  // avoids escaping, and escape what is not printable with the shortest of the x, u and U escapes.
  private static void writeString(String s, StringBuilder out) {
    char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    out.append(quote);
    for (int i = 0; i < s.length(); ) {
      // A lone surrogate comes back as itself, and is escaped as Python escapes it.
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == quote || cp == '\\') {
        out.append('\\').append((char) cp);
      } else if (cp == '\t') {
        out.append("\\t");
      } else if (cp == '\n') {
        out.append("\\n");
      } else if (cp == '\r') {
        out.append("\\r");
      } else if (cp < 0x20 || cp == 0x7f) {
        appendHex(out, "\\x", cp, 2);
      } else if (cp < 0x7f || isPrintable(cp)) {
        out.appendCodePoint(cp);
      } else if (cp <= 0xff) {
        appendHex(out, "\\x", cp, 2);
      } else if (cp <= 0xffff) {
        appendHex(out, "\\u", cp, 4);
      } else {
        appendHex(out, "\\U", cp, 8);
      }
    }
    out.append(quote);
  }

  // Python's str.isprintable for a non-ASCII code point. The categories come from the JDK's
  // Unicode tables (13.0 on JDK 17, as in Python 3.9 and 3.10), so a character assigned in a later
  // Unicode version is escaped here but may print as is in a newer Python.
  private static boolean isPrintable(int cp) {
    return switch (Character.getType(cp)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.SURROGATE,
          Character.PRIVATE_USE,
          Character.UNASSIGNED,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SPACE_SEPARATOR ->
          false;
      default -> true;
    };
  }

  private static void appendHex(StringBuilder out, String prefix, int cp, int width) {
    out.append(prefix);
    for (int shift = (width - 1) * 4; shift >= 0; shift -= 4) {
      out.append(HEX[(cp >> shift) & 0xf]);
    }
  }
}
