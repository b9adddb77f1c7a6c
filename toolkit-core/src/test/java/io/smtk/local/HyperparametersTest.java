package io.smtk.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tests for {@link Hyperparameters}. */
class HyperparametersTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "lr=0.1|0.1",
        "name=resnet|\"resnet\"",
        "flag=true|true",
        "ids=[1, 2]|[1,2]",
        "ids=[1,2]|[1,2]",
        "opts={\"b\": 1, \"a\": [true]}|{\"a\":[true],\"b\":1}",
        "tag=\"123\"|\"123\"",
        "word=\"caf\\u00e9\"|\"caf\\u00e9\"",
        "empty=|\"\"",
        "expr=a=b|\"a=b\"",
        "epochs=10|10",
        "none=null|null",
        "small=1e-05|1e-05",
        "version=1.10|\"1.10\"",
        "thousand=1e3|\"1e3\"",
        "big=1E5|\"1E5\"",
        "zero=-0|\"-0\"",
        "spaced= 1|\" 1\"",
        "list=[1.10]|\"[1.10]\"",
        "list=[1 ,2]|\"[1 ,2]\"",
        "dup={\"a\":1,\"a\":2}|\"{\\\"a\\\":1,\\\"a\\\":2}\"",
        "flag=True|\"True\""
      })
  void parseAndEncode_value_jsonOnlyWhenItReadsBackAsTyped(String item, String encoded)
      throws Exception {
    Map<String, com.fasterxml.jackson.databind.JsonNode> values =
        Hyperparameters.parse(List.of(item));

    assertThat(values).hasSize(1);
    assertThat(Hyperparameters.encode(values.values().iterator().next())).isEqualTo(encoded);
  }

  @Test
  void parse_versionWithTrailingZero_reachesTheScriptAsTyped() throws Exception {
    com.fasterxml.jackson.databind.JsonNode value =
        Hyperparameters.parse(List.of("version=1.10")).get("version");

    assertThat(value.isTextual()).isTrue();
    assertThat(value.textValue()).isEqualTo("1.10");
  }

  @Test
  void parse_logLevel_acceptedAsAnyHyperparameter() throws Exception {
    assertThat(Hyperparameters.parse(List.of("sagemaker_container_log_level=10")))
        .containsKey(Hyperparameters.LOG_LEVEL);
  }

  @Test
  void parse_laterItem_wins() throws Exception {
    assertThat(Hyperparameters.parse(List.of("lr=0.1", "lr=0.2")).get("lr").doubleValue())
        .isEqualTo(0.2);
  }

  @Test
  void parse_noEquals_throwsUsageNamingTheItem() {
    assertThatThrownBy(() -> Hyperparameters.parse(List.of("learning-rate")))
        .isInstanceOf(LocalJobException.class)
        .hasMessageContaining("'learning-rate'")
        .satisfies(e -> assertThat(((LocalJobException) e).exitCode()).isEqualTo(2));
  }

  @Test
  void parse_emptyKey_throwsUsage() {
    assertThatThrownBy(() -> Hyperparameters.parse(List.of("=3")))
        .isInstanceOf(LocalJobException.class)
        .hasMessageContaining("'=3'");
  }

  @Test
  void parse_reservedKey_throwsUsagePointingToTheOption() {
    assertThatThrownBy(() -> Hyperparameters.parse(List.of("sagemaker_program=x.py")))
        .isInstanceOf(LocalJobException.class)
        .hasMessageContaining("sagemaker_program")
        .hasMessageContaining("--entry-point");
  }

  @Test
  void read_objectFile_keepsNaturalValues(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = dir.resolve("hp.json");
    java.nio.file.Files.writeString(file, "{\"epochs\": 10, \"optimizer\": \"adam\"}");

    var values = Hyperparameters.read(file);

    assertThat(Hyperparameters.encode(values.get("epochs"))).isEqualTo("10");
    assertThat(Hyperparameters.encode(values.get("optimizer"))).isEqualTo("\"adam\"");
  }

  @Test
  void read_notAnObject_throwsUsageNamingTheFile(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("hp.json");
    java.nio.file.Files.writeString(file, "[1, 2]");

    assertThatThrownBy(() -> Hyperparameters.read(file))
        .isInstanceOf(LocalJobException.class)
        .hasMessageContaining(file.toString());
  }
}
