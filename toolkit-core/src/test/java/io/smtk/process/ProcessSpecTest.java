package io.smtk.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link ProcessSpec}. */
class ProcessSpecTest {

  @Test
  void builder_defaults_documentedValues() {
    ProcessSpec spec = ProcessSpec.builder(List.of("true"), Map.of()).build();

    assertThat(spec.stopGrace()).isEqualTo(Duration.ofSeconds(30));
    assertThat(spec.leftoverGrace()).isEqualTo(Duration.ofSeconds(2));
    assertThat(spec.inheritStdin()).isFalse();
    assertThat(spec.lineTransformer()).isSameAs(LineTransformer.identity());
    assertThat(spec.workingDirectory()).isEqualTo(Path.of("").toAbsolutePath());
  }

  @Test
  void builder_environment_copiedInOrderAndUnmodifiable() {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("Z", "1");
    environment.put("A-B.C", "x\ny");
    environment.put("M", "");

    ProcessSpec spec = ProcessSpec.builder(List.of("true"), environment).build();
    environment.put("LATER", "no");

    assertThat(spec.environment().keySet()).containsExactly("Z", "A-B.C", "M");
    assertThatThrownBy(() -> spec.environment().put("X", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toBuilder_roundTrip_equalSpec() {
    ProcessSpec spec =
        ProcessSpec.builder(List.of("a", "b"), Map.of("K", "V"))
            .stdout(new ByteArrayOutputStream())
            .stderr(new ByteArrayOutputStream())
            .inheritStdin(true)
            .stopGrace(Duration.ofSeconds(5))
            .lineTransformer(MpiRankTagRewriter.of(2))
            .build();

    assertThat(spec.toBuilder().build()).isEqualTo(spec);
  }

  @Test
  void build_emptyCommand_throws() {
    assertThatThrownBy(() -> ProcessSpec.builder(List.of(), Map.of()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command is empty");
  }

  @Test
  void build_nameWithEquals_throws() {
    assertThatThrownBy(() -> ProcessSpec.builder(List.of("true"), Map.of("A=B", "c")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("A=B");
  }

  @Test
  void build_nulInArgument_throws() {
    assertThatThrownBy(() -> ProcessSpec.builder(List.of("echo", "a\0b"), Map.of()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NUL");
  }

  @Test
  void build_negativeGrace_throws() {
    assertThatThrownBy(
            () ->
                ProcessSpec.builder(List.of("true"), Map.of())
                    .stopGrace(Duration.ofSeconds(-1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stopGrace");
  }
}
