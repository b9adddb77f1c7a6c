package io.smtk.environment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.smtk.contract.Redaction;
import io.smtk.contract.ScriptContract;
import io.smtk.contract.ScriptContract.Contract;
import io.smtk.python.PythonJson;
import java.io.IOException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzes the configuration readers ({@link TrainingEnvironmentReader} over the three files) and
 * what is rendered from them: whatever the files hold ends in a named configuration error, or in an
 * environment whose every variable and argument a process can receive as is. Never an unchecked
 * exception.
 */
class ConfigReadersPropertiesTest {

  private static final String RESOURCES =
      "{\"current_host\": \"algo-1\", \"hosts\": [\"algo-1\", \"algo-2\"]}";
  private static final String CHANNELS = "{\"train\": {\"TrainingInputMode\": \"File\"}}";
  private static final String HYPERPARAMETERS = "{\"sagemaker_program\": \"\\\"train.py\\\"\"}";

  @Property(tries = 400)
  void read_anyHyperparametersFile_namedErrorOrAnEnvironmentEveryProcessAccepts(
      @ForAll("hyperparameterFiles") String hyperparameters) throws Exception {
    check(hyperparameters, CHANNELS, RESOURCES, "hyperparameters.json");
  }

  @Property(tries = 300)
  void read_anyResourceConfig_namedErrorOrAnEnvironmentEveryProcessAccepts(
      @ForAll("resourceConfigs") String resources) throws Exception {
    check(HYPERPARAMETERS, CHANNELS, resources, "resourceconfig.json");
  }

  @Property(tries = 300)
  void read_anyInputDataConfig_namedErrorOrAnEnvironmentEveryProcessAccepts(
      @ForAll("inputDataConfigs") String channels) throws Exception {
    check(HYPERPARAMETERS, channels, RESOURCES, "inputdataconfig.json");
  }

  private static void check(
      String hyperparameters, String channels, String resources, String fuzzedFile)
      throws Exception {
    Path base = Files.createTempDirectory("smtk-fuzz-");
    try {
      Path config = Files.createDirectories(base.resolve("input/config"));
      // Lone surrogates become '?' here, as in any file: they reach the reader as JSON escapes.
      Files.write(config.resolve("hyperparameters.json"), utf8(hyperparameters));
      Files.write(config.resolve("inputdataconfig.json"), utf8(channels));
      Files.write(config.resolve("resourceconfig.json"), utf8(resources));
      ToolkitSettings settings =
          ToolkitSettings.from(Map.of("SAGEMAKER_BASE_DIR", base.toString(), "PATH", "/bin"));
      TrainingEnvironment environment;
      try {
        environment = TrainingEnvironmentReader.withHardware(new Hardware(2, 0, 0)).read(settings);
      } catch (InvalidTrainingConfigException e) {
        assertThat(e.getMessage()).as("the error names the file").contains(fuzzedFile);
        return;
      }
      Contract contract = ScriptContract.render(environment);
      Redaction.of(environment.hyperparameters(), List.of()).apply(contract.arguments().toString());
      CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder();
      ProcessBuilder process = new ProcessBuilder("/bin/true");
      for (Map.Entry<String, String> variable : contract.variables().entrySet()) {
        // ProcessBuilder refuses '=' and NUL in a name and NUL in a value, as exec would.
        process.environment().put(variable.getKey(), variable.getValue());
        assertThat(utf8.canEncode(variable.getKey() + variable.getValue()))
            .as("variable %s is text", variable.getKey())
            .isTrue();
      }
      for (String argument : contract.arguments()) {
        assertThat(argument).doesNotContain("\u0000");
        assertThat(utf8.canEncode(argument)).as("argument is text").isTrue();
      }
      contract.toolkitVariables().forEach((name, value) -> process.environment().put(name, value));
    } finally {
      delete(base);
    }
  }

  @Provide
  Arbitrary<String> hyperparameterFiles() {
    Arbitrary<String> key =
        Arbitraries.oneOf(
            text(),
            Arbitraries.of(
                "sagemaker_program",
                "sagemaker_submit_directory",
                "sagemaker_mpi_enabled",
                "sagemaker_mpi_num_of_processes_per_host",
                "sagemaker_mpi_custom_mpi_options",
                "sagemaker_container_log_level",
                "sagemaker_job_name",
                "sagemaker_region",
                "sagemaker_distributed_dataparallel_enabled",
                "sagemaker_torch_distributed_enabled",
                "sagemaker_instance_type",
                "a=b",
                "db_password",
                ""));
    Arbitrary<String> value =
        Arbitraries.oneOf(
            text().map(ConfigReadersPropertiesTest::json),
            text().map(t -> json(json(t))),
            Arbitraries.integers().map(String::valueOf),
            Arbitraries.of(
                "true",
                "null",
                "[1, \"a\", null]",
                "{\"a\": {\"b\": [\"\\u0000\", \"\\ud800\"]}}",
                "\"[[[[\"",
                "\"1e999\"",
                "\"NaN\"",
                "\"-1\"",
                "\"99999999999999999999\"",
                "\"\\\"\\\\ud800\\\"\"",
                "\"{\\\"k\\\": \\\"\\\\u0000\\\"}\"",
                json("[".repeat(2000))),
            Arbitraries.integers().between(1, 3000).map(n -> "[".repeat(n) + "]".repeat(n)));
    Arbitrary<String> object =
        Arbitraries.maps(key, value)
            .ofMaxSize(6)
            .map(
                members ->
                    members.entrySet().stream()
                        .map(e -> json(e.getKey()) + ": " + e.getValue())
                        .collect(Collectors.joining(", ", "{", "}")));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, object), net.jqwik.api.Tuple.of(1, text()));
  }

  @Provide
  Arbitrary<String> resourceConfigs() {
    Arbitrary<String> host =
        Arbitraries.oneOf(text(), Arbitraries.of("algo-1", "algo-2", "algo-1"));
    Arbitrary<String> hosts =
        host.list()
            .ofMaxSize(4)
            .map(
                list ->
                    list.stream()
                        .map(ConfigReadersPropertiesTest::json)
                        .collect(Collectors.joining(", ", "[", "]")));
    Arbitrary<String> anything =
        Arbitraries.oneOf(
            host.map(ConfigReadersPropertiesTest::json),
            hosts,
            Arbitraries.of("null", "1", "{}", "[{}]", "[{\"instance_group_name\": 1}]"));
    return Arbitraries.oneOf(
        Arbitraries.of(
                "current_host",
                "hosts",
                "current_instance_type",
                "current_group_name",
                "current_instance_group",
                "network_interface_name",
                "instance_groups",
                "topology")
            .flatMap(
                fuzzed ->
                    anything.map(
                        bad ->
                            "{"
                                + Stream.of(
                                        "\"current_host\": \"algo-1\"",
                                        "\"hosts\": [\"algo-1\"]",
                                        json(fuzzed) + ": " + bad)
                                    .collect(Collectors.joining(", "))
                                + "}")),
        host.flatMap(
            current ->
                hosts.map(
                    list -> "{\"current_host\": " + json(current) + ", \"hosts\": " + list + "}")),
        text());
  }

  @Provide
  Arbitrary<String> inputDataConfigs() {
    return Arbitraries.oneOf(
        text()
            .list()
            .ofMaxSize(4)
            .map(
                names ->
                    names.stream()
                        .map(name -> json(name) + ": {}")
                        .collect(Collectors.joining(", ", "{", "}"))),
        text());
  }

  /** Any characters, lone surrogates, NUL and '=' included. */
  private static Arbitrary<String> text() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(12),
        Arbitraries.strings().withChars("a=\u0000\ud800\udc00./- \"\\{}[]é").ofMaxLength(8));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String json(String text) {
    return PythonJson.dumps(TextNode.valueOf(text));
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
