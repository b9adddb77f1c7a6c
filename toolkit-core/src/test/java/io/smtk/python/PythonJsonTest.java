package io.smtk.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tests for {@link PythonJson}. */
class PythonJsonTest {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Test
  void dumpsInOrder_keysInOrderNonAsciiRaw_matchesPythonsEnsureAsciiFalse() throws Exception {
    // json.dumps({"b": ["é", 1.5], "a": "\b\x7f"}, ensure_ascii=False, separators=(", ", ": "))
    JsonNode value = PythonJson.loads("{\"b\": [\"\\u00e9\", 1.5], \"a\": \"\\b\\u007f\"}");

    assertThat(PythonJson.dumpsInOrder(value, ", ", ": "))
        .isEqualTo("{\"b\": [\"\u00e9\", 1.5], \"a\": \"\\b\u007f\"}");
    assertThat(PythonJson.dumpsInOrder(value, ",", ":"))
        .isEqualTo("{\"b\":[\"\u00e9\",1.5],\"a\":\"\\b\u007f\"}");
    assertThat(PythonJson.dumps(value)).isEqualTo("{\"a\":\"\\b\\u007f\",\"b\":[\"\\u00e9\",1.5]}");
  }

  @Test
  void loads_smallInteger_isIntNode() throws Exception {
    assertThat(PythonJson.loads("42")).isEqualTo(IntNode.valueOf(42));
    assertThat(PythonJson.loads("-2147483648")).isEqualTo(IntNode.valueOf(Integer.MIN_VALUE));
  }

  @Test
  void loads_integerBeyondInt_isLongNode() throws Exception {
    // 2**53 + 1 has no exact double; it must stay an integer.
    assertThat(PythonJson.loads("9007199254740993")).isEqualTo(LongNode.valueOf(9007199254740993L));
    assertThat(PythonJson.loads("2147483648")).isEqualTo(LongNode.valueOf(2147483648L));
  }

  @Test
  void loads_integerBeyondLong_isBigIntegerNode() throws Exception {
    assertThat(PythonJson.loads("12345678901234567890"))
        .isEqualTo(BigIntegerNode.valueOf(new BigInteger("12345678901234567890")));
    assertThat(PythonJson.loads("-98765432109876543210"))
        .isEqualTo(BigIntegerNode.valueOf(new BigInteger("-98765432109876543210")));
  }

  @Test
  void loads_negativeZeroInteger_isIntegerZero() throws Exception {
    assertThat(PythonJson.loads("-0")).isEqualTo(IntNode.valueOf(0));
  }

  @Test
  void loads_fractionOrExponent_isDouble() throws Exception {
    assertThat(PythonJson.loads("1.0")).isEqualTo(DoubleNode.valueOf(1.0));
    assertThat(PythonJson.loads("1e5")).isEqualTo(DoubleNode.valueOf(100000.0));
    assertThat(PythonJson.loads("1E+2")).isEqualTo(DoubleNode.valueOf(100.0));
    assertThat(PythonJson.loads("2e-0")).isEqualTo(DoubleNode.valueOf(2.0));
    assertThat(Double.doubleToRawLongBits(PythonJson.loads("-0.0").doubleValue()))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
  }

  @Test
  void loads_exponentBeyondDoubleRange_overflowsToInfinityOrZero() throws Exception {
    assertThat(PythonJson.loads("1e400").doubleValue()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(PythonJson.loads("-1e400").doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(PythonJson.loads("1e99999999999999999999").doubleValue())
        .isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(PythonJson.loads("1e-400").doubleValue()).isEqualTo(0.0);
  }

  @Test
  void loads_nonFiniteLiterals_areDoubles() throws Exception {
    assertThat(PythonJson.loads("NaN").doubleValue()).isNaN();
    assertThat(PythonJson.loads("Infinity"))
        .isEqualTo(DoubleNode.valueOf(Double.POSITIVE_INFINITY));
    assertThat(PythonJson.loads("[-Infinity]").get(0))
        .isEqualTo(DoubleNode.valueOf(Double.NEGATIVE_INFINITY));
  }

  @Test
  void loads_literals_decoded() throws Exception {
    assertThat(PythonJson.loads("[true,false,null]"))
        .isEqualTo(NODES.arrayNode().add(true).add(false).addNull());
  }

  @Test
  void loads_duplicateKey_lastValueWinsAtFirstPosition() throws Exception {
    JsonNode value = PythonJson.loads("{\"a\":1,\"b\":2,\"a\":3}");

    assertThat(keys(value)).containsExactly("a", "b");
    assertThat(value.get("a").intValue()).isEqualTo(3);
  }

  @Test
  void loads_objectKeys_keepDocumentOrder() throws Exception {
    assertThat(keys(PythonJson.loads("{\"z\":1,\"a\":2,\"m\":3}"))).containsExactly("z", "a", "m");
  }

  @Test
  void loads_jsonWhitespaceAroundAndInside_accepted() throws Exception {
    JsonNode value = PythonJson.loads(" \t\n\r{ \"a\" :\t[ 1 ,\r\n2 ] }\r\n ");

    assertThat(PythonJson.dumps(value)).isEqualTo("{\"a\":[1,2]}");
  }

  @Test
  void loads_escapes_decoded() throws Exception {
    String escaped = "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\u00E9\"";

    assertThat(PythonJson.loads(escaped).textValue())
        .isEqualTo("\" \\ / \b \f \n \r \t \u00e9 \u00e9");
  }

  @Test
  void loads_surrogatePairEscape_joinedIntoOneCharacter() throws Exception {
    String text = PythonJson.loads("\"\\ud83d\\ude80\"").textValue();

    assertThat(text).isEqualTo("\uD83D\uDE80");
    assertThat(text.codePointCount(0, text.length())).isEqualTo(1);
  }

  @Test
  void loads_loneSurrogateEscape_keptAsIs() throws Exception {
    assertThat(PythonJson.loads("\"\\ud800x\\udc00\"").textValue()).isEqualTo("\ud800x\udc00");
  }

  @Test
  void loads_rawNonAsciiCharacters_kept() throws Exception {
    assertThat(PythonJson.loads("\"é日本語🚀\u007f\"").textValue()).isEqualTo("é日本語🚀\u007f");
  }

  @Test
  void loads_leadingZero_rejected() {
    assertRejected("01", "Extra data", 1);
  }

  @Test
  void loads_plusSign_rejected() {
    assertRejected("+1", "Expecting value", 0);
  }

  @Test
  void loads_leadingDot_rejected() {
    assertRejected(".5", "Expecting value", 0);
  }

  @Test
  void loads_trailingDot_rejected() {
    assertRejected("1.", "Extra data", 1);
  }

  @Test
  void loads_singleQuotes_rejected() {
    assertRejected("'a'", "Expecting value", 0);
  }

  @Test
  void loads_unquotedKey_rejected() {
    assertRejected("{a:1}", "Expecting property name enclosed in double quotes", 1);
  }

  @Test
  void loads_controlCharacterInString_rejected() {
    assertRejected("\"a\nb\"", "Invalid control character at", 2);
  }

  @Test
  void loads_emptyInput_rejected() {
    assertRejected("", "Expecting value", 0);
  }

  @Test
  void loads_trailingGarbage_rejected() {
    assertRejected("{\"a\":1} x", "Extra data", 8);
  }

  // Messages and positions printed by CPython 3.11's json.loads for the same texts.
  static Stream<Arguments> pythonRejections() {
    return Stream.of(
        Arguments.of(" \n ", "Expecting value", 3, 2, 2),
        Arguments.of("-01", "Extra data", 2, 1, 3),
        Arguments.of("1.e5", "Extra data", 1, 1, 2),
        Arguments.of("-", "Expecting value", 0, 1, 1),
        Arguments.of("{\"a\":1,}", "Expecting property name enclosed in double quotes", 7, 1, 8),
        Arguments.of("[1,]", "Expecting value", 3, 1, 4),
        Arguments.of("[", "Expecting value", 1, 1, 2),
        Arguments.of("{", "Expecting property name enclosed in double quotes", 1, 1, 2),
        Arguments.of("{\"a\" 1}", "Expecting ':' delimiter", 5, 1, 6),
        Arguments.of("{\"a\":}", "Expecting value", 5, 1, 6),
        Arguments.of("\"abc", "Unterminated string starting at", 0, 1, 1),
        Arguments.of("\"a\\x\"", "Invalid \\escape", 2, 1, 3),
        Arguments.of("\"\\u12\"", "Invalid \\uXXXX escape", 2, 1, 3),
        Arguments.of("\"\\u00G0\"", "Invalid \\uXXXX escape", 2, 1, 3),
        Arguments.of("\"\\u\uff10000\"", "Invalid \\uXXXX escape", 2, 1, 3),
        Arguments.of("\"a\u0001\"", "Invalid control character at", 2, 1, 3),
        Arguments.of("\"\ud83d\ude80\u0001\"", "Invalid control character at", 2, 1, 3),
        Arguments.of("1 2", "Extra data", 2, 1, 3),
        Arguments.of("[1 2]", "Expecting ',' delimiter", 3, 1, 4),
        Arguments.of("\ufeff1", "Unexpected UTF-8 BOM (decode using utf-8-sig)", 0, 1, 1),
        Arguments.of("nul", "Expecting value", 0, 1, 1),
        Arguments.of("True", "Expecting value", 0, 1, 1),
        Arguments.of("None", "Expecting value", 0, 1, 1),
        Arguments.of("-NaN", "Expecting value", 0, 1, 1),
        Arguments.of("nan", "Expecting value", 0, 1, 1),
        Arguments.of("infinity", "Expecting value", 0, 1, 1),
        Arguments.of("1e", "Extra data", 1, 1, 2),
        Arguments.of("1e+", "Extra data", 1, 1, 2),
        Arguments.of("[1e]", "Expecting ',' delimiter", 2, 1, 3),
        Arguments.of("\u00a01", "Expecting value", 0, 1, 1),
        Arguments.of("\f1", "Expecting value", 0, 1, 1),
        Arguments.of("1\u00a0", "Extra data", 1, 1, 2),
        Arguments.of("[\n1,\n]", "Expecting value", 5, 3, 1),
        Arguments.of("[1]]", "Extra data", 3, 1, 4),
        Arguments.of("0x10", "Extra data", 1, 1, 2),
        Arguments.of("1_000", "Extra data", 1, 1, 2));
  }

  @ParameterizedTest(name = "loads({0}) fails: {1}")
  @MethodSource("pythonRejections")
  void loads_invalid_rejectedWithPythonReasonAndLocation(
      String text, String reason, int position, int line, int column) {
    assertThatThrownBy(() -> PythonJson.loads(text))
        .isInstanceOfSatisfying(
            PythonJsonException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.position()).isEqualTo(position);
              assertThat(e.line()).isEqualTo(line);
              assertThat(e.column()).isEqualTo(column);
              assertThat(e.getMessage())
                  .isEqualTo(
                      reason + ": line " + line + " column " + column + " (char " + position + ")");
            });
  }

  @Test
  void loads_integerOfMoreThan4300Digits_rejected() throws Exception {
    String limit = "9".repeat(4300);
    assertThat(PythonJson.loads("-" + limit))
        .isEqualTo(NODES.numberNode(new BigInteger("-" + limit)));

    assertThatThrownBy(() -> PythonJson.loads("[" + limit + "9]"))
        .isInstanceOf(PythonJsonException.class)
        .hasMessageStartingWith(
            "Exceeds the limit (4300 digits) for integer string conversion: value has 4301 digits");
  }

  @Test
  void loads_floatOfMoreThan4300Digits_accepted() throws Exception {
    assertThat(PythonJson.loads("1".repeat(5000) + ".0").doubleValue())
        .isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void loads_nestingBelowPythonRecursionLimit_accepted() throws Exception {
    assertThat(PythonJson.loads("[".repeat(990) + "]".repeat(990)).isArray()).isTrue();
  }

  @Test
  void loads_nestingBeyondPythonRecursionLimit_rejectedWithoutStackOverflow() {
    assertThatThrownBy(() -> PythonJson.loads("[".repeat(991) + "]".repeat(991)))
        .isInstanceOf(PythonJsonException.class)
        .hasMessageStartingWith(
            "maximum recursion depth exceeded while decoding a JSON array from a unicode string");
    assertThatThrownBy(() -> PythonJson.loads("{\"a\":".repeat(100_000)))
        .isInstanceOf(PythonJsonException.class)
        .hasMessageStartingWith("maximum recursion depth exceeded while decoding a JSON object");
  }

  @Test
  void dumps_keys_sortedByCodePointNotUtf16() throws Exception {
    JsonNode value =
        PythonJson.loads(
            "{\"b\":1,\"B\":2,\"a\":3,\"é\":4,\"\uffff\":5,\"🚀\":6,\"ab\":7,\"\":8,\"Z\":9}");

    // String.compareTo would put U+1F680 (a surrogate pair) before U+FFFF.
    assertThat(PythonJson.dumps(value))
        .isEqualTo(
            "{\"\":8,\"B\":2,\"Z\":9,\"a\":3,\"ab\":7,\"b\":1,\"\\u00e9\":4,\"\\uffff\":5,"
                + "\"\\ud83d\\ude80\":6}");
  }

  @Test
  void dumps_nestedObjects_sortedAtEveryLevel() throws Exception {
    JsonNode value =
        PythonJson.loads(
            "{\"z\": {\"y\": [1, {\"b\": null, \"a\": true}], \"x\": \"日本語\"},"
                + " \"a\": [[], {}, false]}");

    assertThat(PythonJson.dumps(value))
        .isEqualTo(
            "{\"a\":[[],{},false],"
                + "\"z\":{\"x\":\"\\u65e5\\u672c\\u8a9e\",\"y\":[1,{\"a\":true,\"b\":null}]}}");
  }

  @Test
  void dumps_strings_escapedLikePythonEnsureAscii() {
    String text = "\u0000\u001f\u007f\"\\/\b\f\n\r\t é\u2028🚀\ud800";

    assertThat(PythonJson.dumps(NODES.arrayNode().add(text)))
        .isEqualTo(
            "[\"\\u0000\\u001f\\u007f\\\"\\\\/\\b\\f\\n\\r\\t "
                + "\\u00e9\\u2028\\ud83d\\ude80\\ud800\"]");
  }

  @Test
  void dumps_numbers_floatsAsPythonReprAndIntegersInFull() throws Exception {
    JsonNode value =
        PythonJson.loads(
            "[1.0, NaN, Infinity, -Infinity, 1e16, 0.00001, -0.0, 9007199254740993,"
                + " 12345678901234567890, -98765432109876543210]");

    assertThat(PythonJson.dumps(value))
        .isEqualTo(
            "[1.0,NaN,Infinity,-Infinity,1e+16,1e-05,-0.0,9007199254740993,"
                + "12345678901234567890,-98765432109876543210]");
  }

  @Test
  void dumps_scalars_pythonLiterals() {
    assertThat(PythonJson.dumps(NODES.nullNode())).isEqualTo("null");
    assertThat(PythonJson.dumps(NODES.booleanNode(true))).isEqualTo("true");
    assertThat(PythonJson.dumps(NODES.booleanNode(false))).isEqualTo("false");
    assertThat(PythonJson.dumps(NODES.textNode("x"))).isEqualTo("\"x\"");
  }

  @Test
  void dumps_jacksonOnlyNumberTypes_printedAsPythonIntOrFloat() {
    assertThat(PythonJson.dumps(NODES.numberNode((short) 7))).isEqualTo("7");
    assertThat(PythonJson.dumps(NODES.numberNode(0.1f))).isEqualTo("0.10000000149011612");
    assertThat(PythonJson.dumps(NODES.numberNode(new BigDecimal("1E+3")))).isEqualTo("1000.0");
  }

  @Test
  void dumps_nodeWithoutPythonValue_rejected() {
    ObjectNode value = NODES.objectNode().set("blob", BinaryNode.valueOf(new byte[] {1}));

    assertThatThrownBy(() -> PythonJson.dumps(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not JSON serializable");
  }

  @Test
  void dumps_loadsOfItsOwnOutput_givesBackTheSameTree() throws Exception {
    JsonNode value =
        PythonJson.loads(
            "{\"k\":[1,-2.5,\"\\ud800🚀'\\\"\",{\"\":null}],\"big\":123456789012345678901}");

    assertThat(PythonJson.loads(PythonJson.dumps(value))).isEqualTo(value);
  }

  @Test
  void loadsDumpsStrRepr_recordedPythonCorpus_allMatch() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<String> mismatches = new ArrayList<>();
    int valid = 0;
    int invalid = 0;
    try (InputStream in = getClass().getResourceAsStream("json-cases.jsonl");
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
      String line;
      while ((line = reader.readLine()) != null) {
        JsonNode recorded = mapper.readTree(line);
        String text = recorded.get("in").textValue();
        String expected;
        String actual;
        if (recorded.has("error")) {
          invalid++;
          expected = recorded.get("error").textValue();
        } else {
          valid++;
          expected =
              recorded.get("dumps").textValue()
                  + "\n"
                  + recorded.get("str").textValue()
                  + "\n"
                  + recorded.get("repr").textValue();
        }
        try {
          JsonNode value = PythonJson.loads(text);
          actual =
              PythonJson.dumps(value)
                  + "\n"
                  + PythonRepr.str(value)
                  + "\n"
                  + PythonRepr.repr(value);
        } catch (PythonJsonException e) {
          actual = e.getMessage();
        }
        if (!actual.equals(expected)) {
          mismatches.add(line + "\n  ours: " + actual);
        }
      }
    }
    assertThat(valid).isGreaterThan(100);
    assertThat(invalid).isGreaterThan(100);
    assertThat(mismatches).isEmpty();
  }

  private static List<String> keys(JsonNode object) {
    return object.properties().stream().map(Map.Entry::getKey).toList();
  }

  private static void assertRejected(String text, String reason, int position) {
    assertThatThrownBy(() -> PythonJson.loads(text))
        .isInstanceOfSatisfying(
            PythonJsonException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.position()).isEqualTo(position);
            });
  }
}
