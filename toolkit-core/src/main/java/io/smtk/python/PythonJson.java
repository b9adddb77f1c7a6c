package io.smtk.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes JSON byte for byte as Python's {@code json.loads} and {@code json.dumps(v,
 * sort_keys=True, separators=(",", ":"), ensure_ascii=True)} do.
 *
 * <p>Integers become {@code IntNode}, {@code LongNode} or {@code BigIntegerNode} (the smallest that
 * holds them, as Jackson's own parser picks), floats {@code DoubleNode}, and objects keep the order
 * in which their keys first appeared.
 */
public final class PythonJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  // CPython 3.11+ refuses int() of longer digit strings (CVE-2020-10735), and json.loads with it.
  private static final int MAX_INT_DIGITS = 4300;

  // CPython 3.11 raises RecursionError at 994 nested containers when json.loads is called from a
  // top-level script, and sooner from deeper callers, so its exact limit cannot be reproduced; this
  // one is close to it and keeps the Java stack from overflowing.
  private static final int MAX_DEPTH = 990;

  private static final BigInteger MIN_LONG = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  // Python sorts str keys by code point; String.compareTo compares UTF-16 units, which puts
  // U+10000 and above before U+E000..U+FFFF.
  private static final Comparator<String> BY_CODE_POINT = PythonJson::compareCodePoints;

  // Not Map.Entry.comparingByKey: its lambda belongs to java.util.Map, which a dynamic class
  // archive cannot hold, so every job would generate its class at run time (~3 ms).
  private static final Comparator<Map.Entry<String, JsonNode>> ENTRY_BY_CODE_POINT =
      PythonJson::compareKeys;

  private PythonJson() {}

  /**
   * Returns the order Python sorts {@code str} keys in: by code point ({@link #compareCodePoints}).
   *
   * @return the comparator, one instance
   */
  public static Comparator<String> codePointOrder() {
    return BY_CODE_POINT;
  }

  /**
   * Parses {@code text} as Python's {@code json.loads} does, accepting {@code NaN}, {@code
   * Infinity} and {@code -Infinity}, and keeping the last value but the first position of a
   * repeated key.
   *
   * @param text the whole document, optionally surrounded by JSON whitespace
   * @return the value, a new tree
   * @throws PythonJsonException where Python would raise, with its message and position
   */
  public static JsonNode loads(String text) throws PythonJsonException {
    // Jackson's parser differs from Python's in too many corners (non-finite numbers, lone
    // surrogates, duplicate keys, error positions), so this mirrors CPython's _json.c scanner.
    return new Parser(text).document();
  }

  /**
   * Writes {@code value} as Python's {@code json.dumps(value, sort_keys=True, separators=(",",
   * ":"), ensure_ascii=True)} does: keys sorted by code point, everything outside printable ASCII
   * escaped, floats as Python's {@code repr}.
   *
   * @param value a tree of objects, arrays, strings, numbers, booleans and nulls
   * @return the JSON text, pure ASCII
   * @throws IllegalArgumentException if the tree holds a node Python could not have decoded, such
   *     as binary or POJO nodes
   */
  public static String dumps(JsonNode value) {
    StringBuilder out = new StringBuilder();
    write(value, out, SORTED_ASCII);
    return out.toString();
  }

  /**
   * Writes {@code value} as Python's {@code json.dumps(value, ensure_ascii=False,
   * separators=(itemSeparator, keySeparator))} does: keys in their order, only the characters JSON
   * requires escaped, floats as Python's {@code repr}.
   *
   * @param value a tree of objects, arrays, strings, numbers, booleans and nulls
   * @param itemSeparator what follows each item but the last, e.g. {@code ", "}
   * @param keySeparator what follows each key, e.g. {@code ": "}
   * @return the JSON text
   * @throws IllegalArgumentException if the tree holds a node Python could not have decoded
   */
  public static String dumpsInOrder(JsonNode value, String itemSeparator, String keySeparator) {
    StringBuilder out = new StringBuilder();
    write(value, out, new Style(false, false, itemSeparator, keySeparator));
    return out.toString();
  }

  /** The {@code json.dumps} arguments the two writers differ in. */
  private record Style(
      boolean sortKeys, boolean ensureAscii, String itemSeparator, String keySeparator) {}

  private static final Style SORTED_ASCII = new Style(true, true, ",", ":");

  private static void write(JsonNode value, StringBuilder out, Style style) {
    switch (value.getNodeType()) {
      case NULL -> out.append("null");
      case BOOLEAN -> out.append(value.booleanValue() ? "true" : "false");
      case STRING -> writeString(value.textValue(), out, style.ensureAscii());
      case NUMBER -> {
        if (value.isIntegralNumber()) {
          out.append(value.bigIntegerValue());
        } else {
          out.append(floatJson(value.doubleValue()));
        }
      }
      case ARRAY -> {
        out.append('[');
        for (int i = 0; i < value.size(); i++) {
          if (i > 0) {
            out.append(style.itemSeparator());
          }
          write(value.get(i), out, style);
        }
        out.append(']');
      }
      case OBJECT -> {
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(value.properties());
        if (style.sortKeys()) {
          entries.sort(ENTRY_BY_CODE_POINT);
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> entry : entries) {
          if (!first) {
            out.append(style.itemSeparator());
          }
          first = false;
          writeString(entry.getKey(), out, style.ensureAscii());
          out.append(style.keySeparator());
          write(entry.getValue(), out, style);
        }
        out.append('}');
      }
      default ->
          throw new IllegalArgumentException(
              "Object of type " + value.getNodeType() + " is not JSON serializable");
    }
  }

  private static String floatJson(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "Infinity" : "-Infinity";
    }
    return PythonFloat.repr(value);
  }

  // Python writes astral characters as surrogate pairs, which escaping each UTF-16 unit gives.
  private static void writeString(String s, StringBuilder out, boolean ensureAscii) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c >= 0x20 && (c <= 0x7e || !ensureAscii)) {
            out.append(c);
          } else {
            out.append("\\u")
                .append(HEX[c >> 12])
                .append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
          }
        }
      }
    }
    out.append('"');
  }

  private static int compareKeys(Map.Entry<String, JsonNode> a, Map.Entry<String, JsonNode> b) {
    return compareCodePoints(a.getKey(), b.getKey());
  }

  /**
   * Compares strings by Unicode code point, as Python sorts them (Java's {@code compareTo} compares
   * UTF-16 units, which orders characters above U+FFFF differently).
   *
   * @param a one string
   * @param b another string
   * @return negative, zero or positive
   */
  public static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    // One is exhausted; the shorter (a prefix of the other) sorts first.
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** One pass over one document; the method names follow CPython's _json.c. */
  private static final class Parser {

    private final String text;
    private final int length;
    private int depth;

    Parser(String text) {
      this.text = text;
      this.length = text.length();
    }

    JsonNode document() throws PythonJsonException {
      if (length > 0 && text.charAt(0) == '\ufeff') {
        throw error("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
      }
      int[] next = new int[1];
      JsonNode value = scanOnce(skipWhitespace(0), next);
      int end = skipWhitespace(next[0]);
      if (end != length) {
        throw error("Extra data", end);
      }
      return value;
    }

    // Parses the value at idx and stores the index after it in next[0]; a single-slot array keeps
    // the recursion free of per-value result objects.
    private JsonNode scanOnce(int idx, int[] next) throws PythonJsonException {
      if (idx >= length) {
        throw error("Expecting value", idx);
      }
      switch (text.charAt(idx)) {
        case '"' -> {
          return NODES.textNode(scanString(idx + 1, next));
        }
        case '{' -> {
          return parseObject(idx, next);
        }
        case '[' -> {
          return parseArray(idx, next);
        }
        case 'n' -> {
          if (text.startsWith("null", idx)) {
            next[0] = idx + 4;
            return NODES.nullNode();
          }
        }
        case 't' -> {
          if (text.startsWith("true", idx)) {
            next[0] = idx + 4;
            return NODES.booleanNode(true);
          }
        }
        case 'f' -> {
          if (text.startsWith("false", idx)) {
            next[0] = idx + 5;
            return NODES.booleanNode(false);
          }
        }
        case 'N' -> {
          if (text.startsWith("NaN", idx)) {
            next[0] = idx + 3;
            return NODES.numberNode(Double.NaN);
          }
        }
        case 'I' -> {
          if (text.startsWith("Infinity", idx)) {
            next[0] = idx + 8;
            return NODES.numberNode(Double.POSITIVE_INFINITY);
          }
        }
        case '-' -> {
          if (text.startsWith("-Infinity", idx)) {
            next[0] = idx + 9;
            return NODES.numberNode(Double.NEGATIVE_INFINITY);
          }
        }
        default -> {}
      }
      return matchNumber(idx, next);
    }

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? with ASCII digits only; a '.' or exponent
    // without digits after it is left unread (so "1." fails later as extra data, as in Python).
    private JsonNode matchNumber(int start, int[] next) throws PythonJsonException {
      int idx = start;
      if (text.charAt(idx) == '-') {
        idx++;
      }
      if (idx < length && text.charAt(idx) >= '1' && text.charAt(idx) <= '9') {
        idx = skipDigits(idx + 1);
      } else if (idx < length && text.charAt(idx) == '0') {
        idx++;
      } else {
        throw error("Expecting value", start);
      }
      int integerEnd = idx;
      boolean isFloat = false;
      if (idx + 1 < length && text.charAt(idx) == '.' && isDigit(text.charAt(idx + 1))) {
        isFloat = true;
        idx = skipDigits(idx + 2);
      }
      if (idx < length && (text.charAt(idx) == 'e' || text.charAt(idx) == 'E')) {
        int exponentStart = idx + 1;
        if (exponentStart < length
            && (text.charAt(exponentStart) == '-' || text.charAt(exponentStart) == '+')) {
          exponentStart++;
        }
        int exponentEnd = skipDigits(exponentStart);
        if (exponentEnd > exponentStart) {
          isFloat = true;
          idx = exponentEnd;
        }
      }
      next[0] = idx;
      String number = text.substring(start, idx);
      if (isFloat) {
        // Both Python's float() and Double.parseDouble round correctly; 1e400 becomes Infinity.
        return NODES.numberNode(Double.parseDouble(number));
      }
      int digits = integerEnd - start - (text.charAt(start) == '-' ? 1 : 0);
      if (digits > MAX_INT_DIGITS) {
        throw error(
            "Exceeds the limit ("
                + MAX_INT_DIGITS
                + " digits) for integer string conversion: "
                + "value has "
                + digits
                + " digits",
            start);
      }
      return integerNode(new BigInteger(number));
    }

    private JsonNode parseObject(int open, int[] next) throws PythonJsonException {
      enter("object", open);
      ObjectNode object = NODES.objectNode();
      int idx = skipWhitespace(open + 1);
      if (idx >= length || text.charAt(idx) != '}') {
        while (true) {
          if (idx >= length || text.charAt(idx) != '"') {
            throw error("Expecting property name enclosed in double quotes", idx);
          }
          String key = scanString(idx + 1, next);
          idx = skipWhitespace(next[0]);
          if (idx >= length || text.charAt(idx) != ':') {
            throw error("Expecting ':' delimiter", idx);
          }
          idx = skipWhitespace(idx + 1);
          // LinkedHashMap semantics: a repeated key keeps its first slot and takes the new value,
          // like assigning into a Python dict.
          object.set(key, scanOnce(idx, next));
          idx = skipWhitespace(next[0]);
          if (idx < length && text.charAt(idx) == '}') {
            break;
          }
          if (idx >= length || text.charAt(idx) != ',') {
            throw error("Expecting ',' delimiter", idx);
          }
          idx = skipWhitespace(idx + 1);
        }
      }
      next[0] = idx + 1;
      depth--;
      return object;
    }

    private JsonNode parseArray(int open, int[] next) throws PythonJsonException {
      enter("array", open);
      ArrayNode array = NODES.arrayNode();
      int idx = skipWhitespace(open + 1);
      if (idx >= length || text.charAt(idx) != ']') {
        while (true) {
          array.add(scanOnce(idx, next));
          idx = skipWhitespace(next[0]);
          if (idx < length && text.charAt(idx) == ']') {
            break;
          }
          if (idx >= length || text.charAt(idx) != ',') {
            throw error("Expecting ',' delimiter", idx);
          }
          idx = skipWhitespace(idx + 1);
        }
      }
      next[0] = idx + 1;
      depth--;
      return array;
    }

    private void enter(String kind, int idx) throws PythonJsonException {
      if (++depth > MAX_DEPTH) {
        throw error(
            "maximum recursion depth exceeded while decoding a JSON "
                + kind
                + " from a unicode string",
            idx);
      }
    }

    // Reads a string body from just after its opening quote. Escaped surrogates are copied as
    // UTF-16 units: an escaped pair joins into one character as Python joins it, and a lone one
    // stays lone, as Python keeps it.
    private String scanString(int start, int[] next) throws PythonJsonException {
      int begin = start - 1;
      StringBuilder out = new StringBuilder();
      int idx = start;
      while (true) {
        int chunk = idx;
        while (idx < length) {
          char c = text.charAt(idx);
          if (c == '"' || c == '\\') {
            break;
          }
          if (c <= 0x1f) {
            throw error("Invalid control character at", idx);
          }
          idx++;
        }
        if (idx >= length) {
          throw error("Unterminated string starting at", begin);
        }
        out.append(text, chunk, idx);
        if (text.charAt(idx) == '"') {
          next[0] = idx + 1;
          return out.toString();
        }
        idx++;
        if (idx >= length) {
          throw error("Unterminated string starting at", begin);
        }
        char escape = text.charAt(idx);
        switch (escape) {
          case '"', '\\', '/' -> out.append(escape);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            // Python wants room for the 4 digits and one character more, and reports at the 'u'.
            if (idx + 5 >= length) {
              throw error("Invalid \\uXXXX escape", idx);
            }
            out.append(hex4(idx + 1, idx));
            idx += 4;
          }
          default -> throw error("Invalid \\escape", idx - 1);
        }
        idx++;
      }
    }

    private char hex4(int idx, int escapeStart) throws PythonJsonException {
      int value = 0;
      for (int i = idx; i < idx + 4; i++) {
        value = (value << 4) | hexDigit(text.charAt(i), escapeStart);
      }
      return (char) value;
    }

    // Character.digit would also take non-ASCII digits, which Python does not.
    private int hexDigit(char c, int escapeStart) throws PythonJsonException {
      if (c >= '0' && c <= '9') {
        return c - '0';
      }
      if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
      }
      if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
      }
      throw error("Invalid \\uXXXX escape", escapeStart);
    }

    private int skipWhitespace(int idx) {
      while (idx < length) {
        char c = text.charAt(idx);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          break;
        }
        idx++;
      }
      return idx;
    }

    private int skipDigits(int idx) {
      while (idx < length && isDigit(text.charAt(idx))) {
        idx++;
      }
      return idx;
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    private PythonJsonException error(String reason, int idx) {
      return new PythonJsonException(reason, text, idx);
    }
  }

  private static JsonNode integerNode(BigInteger value) {
    if (value.bitLength() < Integer.SIZE) {
      return NODES.numberNode(value.intValue());
    }
    if (value.compareTo(MIN_LONG) >= 0 && value.compareTo(MAX_LONG) <= 0) {
      return NODES.numberNode(value.longValue());
    }
    return NODES.numberNode(value);
  }
}
