package io.smtk.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tests for {@link PythonRepr}. */
class PythonReprTest {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Test
  void str_string_isTheStringItself() {
    assertThat(PythonRepr.str(NODES.textNode("it's \"x\"\n日本"))).isEqualTo("it's \"x\"\n日本");
  }

  @Test
  void str_scalars_pythonLiterals() throws Exception {
    assertThat(PythonRepr.str(PythonJson.loads("true"))).isEqualTo("True");
    assertThat(PythonRepr.str(PythonJson.loads("false"))).isEqualTo("False");
    assertThat(PythonRepr.str(PythonJson.loads("null"))).isEqualTo("None");
    assertThat(PythonRepr.str(PythonJson.loads("-98765432109876543210")))
        .isEqualTo("-98765432109876543210");
    assertThat(PythonRepr.str(PythonJson.loads("1e16"))).isEqualTo("1e+16");
    assertThat(PythonRepr.str(PythonJson.loads("NaN"))).isEqualTo("nan");
  }

  @Test
  void str_list_elementsAsRepr() throws Exception {
    assertThat(PythonRepr.str(PythonJson.loads("[1, \"a\", true, null, 1.5]")))
        .isEqualTo("[1, 'a', True, None, 1.5]");
  }

  @Test
  void str_dict_insertionOrderNotSorted() throws Exception {
    assertThat(PythonRepr.str(PythonJson.loads("{\"z\": null, \"a\": [1, 2]}")))
        .isEqualTo("{'z': None, 'a': [1, 2]}");
  }

  @Test
  void str_duplicateKey_printedAtFirstPositionWithLastValue() throws Exception {
    assertThat(PythonRepr.str(PythonJson.loads("{\"a\":1,\"b\":2,\"a\":3}")))
        .isEqualTo("{'a': 3, 'b': 2}");
  }

  @Test
  void str_nestedNumbersAndContainers_matchPython() throws Exception {
    JsonNode value =
        PythonJson.loads(
            "[NaN, Infinity, -Infinity, 1e16, -0.0, 12345678901234567890,"
                + " [], {}, {\"k\": {\"n\": [null]}}]");

    assertThat(PythonRepr.str(value))
        .isEqualTo(
            "[nan, inf, -inf, 1e+16, -0.0, 12345678901234567890, [], {}, {'k': {'n': [None]}}]");
  }

  @Test
  void repr_string_quotedAtTopLevel() {
    assertThat(PythonRepr.repr(NODES.textNode("abc"))).isEqualTo("'abc'");
    assertThat(PythonRepr.repr(NODES.textNode(""))).isEqualTo("''");
  }

  @Test
  void repr_nonStrings_sameAsStr() throws Exception {
    JsonNode value = PythonJson.loads("{\"a\": [1, 2.5, false]}");

    assertThat(PythonRepr.repr(value))
        .isEqualTo(PythonRepr.str(value))
        .isEqualTo("{'a': [1, 2.5, False]}");
  }

  // Expected texts printed by CPython 3.11's repr(str) for the same strings.
  static Stream<Arguments> pythonStringReprs() {
    return Stream.of(
        Arguments.of("it's", "\"it's\""),
        Arguments.of("say \"hi\"", "'say \"hi\"'"),
        Arguments.of("a'\"b", "'a\\'\"b'"),
        Arguments.of("\\ \n \r \t", "'\\\\ \\n \\r \\t'"),
        Arguments.of("\u0000\u001f\u007f", "'\\x00\\x1f\\x7f'"),
        // C1 control, no-break space (Zs), soft hyphen (Cf)
        Arguments.of("\u0080\u009f\u00a0\u00ad", "'\\x80\\x9f\\xa0\\xad'"),
        // line and paragraph separators, ideographic space, unassigned, private use, BOM,
        // noncharacter
        Arguments.of(
            "\u2028\u2029\u3000\u0378\ue000\ufeff\uffff",
            "'\\u2028\\u2029\\u3000\\u0378\\ue000\\ufeff\\uffff'"),
        // an astral format character, an astral noncharacter, a lone surrogate
        Arguments.of("\uDB40\uDC01\uDBFF\uDFFF\ud800", "'\\U000e0001\\U0010ffff\\ud800'"),
        Arguments.of("é日本語🚀", "'é日本語🚀'"));
  }

  @ParameterizedTest(name = "repr({1})")
  @MethodSource("pythonStringReprs")
  void repr_string_quotedAndEscapedLikePython(String text, String expected) {
    assertThat(PythonRepr.repr(NODES.textNode(text))).isEqualTo(expected);
  }

  @Test
  void str_listOfStrings_eachQuotedOnItsOwn() {
    JsonNode value = NODES.arrayNode().add("a'b").add("a\"b").add("a'\"b");

    assertThat(PythonRepr.str(value)).isEqualTo("[\"a'b\", 'a\"b', 'a\\'\"b']");
  }

  @Test
  void str_dictKeys_quotedAndEscaped() {
    JsonNode value = NODES.objectNode().put("k\n", "v").put("it's", 1);

    assertThat(PythonRepr.str(value)).isEqualTo("{'k\\n': 'v', \"it's\": 1}");
  }

  @Test
  void repr_nodeWithoutPythonValue_rejected() {
    assertThatThrownBy(() -> PythonRepr.repr(NODES.arrayNode().add(MissingNode.getInstance())))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
