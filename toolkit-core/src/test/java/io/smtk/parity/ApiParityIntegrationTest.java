package io.smtk.parity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smtk.testing.JobTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every Python-API parity case ({@code parity/api/cases}, recorded from the Python toolkit)
 * through {@code bin/smtk train} as its README says: a user script and a Python framework module
 * read the job through {@code sagemaker_training}, and what they saw must equal the recording value
 * by value.
 */
class ApiParityIntegrationTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TestFactory
  Stream<DynamicTest> train_apiParityCases_matchReference() throws IOException {
    Path api = ParityCorpus.api();
    List<Path> cases;
    try (Stream<Path> folders = Files.list(api.resolve("cases"))) {
      cases = folders.filter(Files::isDirectory).sorted().toList();
    }
    assertThat(cases).as("API parity cases in " + api).hasSize(6);
    return cases.stream()
        .map(
            folder ->
                DynamicTest.dynamicTest(
                    folder.getFileName().toString(), () -> runCase(api, folder)));
  }

  private static void runCase(Path api, Path folder) throws Exception {
    JsonNode description = JSON.readTree(folder.resolve("case.json").toFile());
    JsonNode expected = JSON.readTree(folder.resolve("expected.json").toFile());
    Path root = Files.createTempDirectory("smtk-api-parity-").toRealPath();
    try {
      Path base = root.resolve("opt/ml");
      for (String dir : List.of("input/config", "input/data", "model", "output/data", "code")) {
        Files.createDirectories(base.resolve(dir));
      }
      Path work = Files.createDirectories(root.resolve("work"));
      try (Stream<Path> files = Files.list(folder.resolve("config"))) {
        for (Path file : files.toList()) {
          String text =
              Files.readString(file, StandardCharsets.UTF_8)
                  .replace("${SAGEMAKER_BASE_DIR}", base.toString());
          Files.writeString(
              base.resolve("input/config").resolve(file.getFileName().toString()), text);
        }
      }
      JSON.readTree(base.resolve("input/config/inputdataconfig.json").toFile())
          .fieldNames()
          .forEachRemaining(
              channel -> createDirectories(base.resolve("input/data").resolve(channel)));
      Files.copy(api.resolve("framework_modules/api_probe.py"), base.resolve("code/api_probe.py"));

      Map<String, String> environment = new LinkedHashMap<>();
      environment.put("PATH", "/usr/bin:/bin");
      environment.put("HOME", root.toString());
      environment.put("LANG", "C.UTF-8");
      environment.put("TMPDIR", Files.createDirectories(root.resolve("tmp")).toString());
      environment.put("SAGEMAKER_BASE_DIR", base.toString());
      environment.put("SM_STUDIO_LOCAL_MODE", "true");
      environment.put("AWS_EC2_METADATA_DISABLED", "true");
      environment.put("PYTHONDONTWRITEBYTECODE", "1");
      environment.put("PYTHONUNBUFFERED", "1");
      description
          .path("env")
          .properties()
          .forEach(e -> environment.put(e.getKey(), e.getValue().asText()));
      boolean frameworkModule = environment.containsKey("SAGEMAKER_TRAINING_MODULE");
      if (frameworkModule) {
        environment.put("PYTHONPATH", api.resolve("framework_modules").toString());
      }

      ProcessBuilder builder =
          new ProcessBuilder(JobTree.smtk().toString(), "train").directory(work.toFile());
      builder.environment().clear();
      builder.environment().putAll(environment);
      Path log = root.resolve("train.log");
      builder.redirectErrorStream(true).redirectOutput(log.toFile());
      Process process = builder.start();
      assertThat(process.waitFor(3, TimeUnit.MINUTES))
          .as("bin/smtk train ended within 3 minutes")
          .isTrue();
      String output = Files.readString(log);

      List<String> differences = new ArrayList<>();
      boolean exitZero = process.exitValue() == 0;
      if (exitZero != expected.get("exit_zero").asBoolean()) {
        differences.add(
            "exit_zero: expected "
                + expected.get("exit_zero")
                + ", exit status "
                + process.exitValue());
      }
      boolean success = Files.exists(base.resolve("output/success"));
      if (success != expected.get("success_file").asBoolean()) {
        differences.add(
            "success_file: expected " + expected.get("success_file") + ", found " + success);
      }
      Path failure = base.resolve("output/failure");
      for (JsonNode text : description.path("failure_must_contain")) {
        if (!Files.exists(failure) || !Files.readString(failure).contains(text.asText())) {
          differences.add("failure file lacks " + text);
        }
      }
      if (frameworkModule) {
        waiveShellSplitting(expected);
      }
      compare("api", expected.get("api"), base.resolve("model/api.json"), differences);
      compare(
          "framework_api",
          expected.get("framework_api"),
          base.resolve("model/framework.json"),
          differences);
      assertThat(differences)
          .as("%s differs from the reference; toolkit output:%n%s", folder.getFileName(), output)
          .isEmpty();
    } finally {
      deleteTree(root);
    }
  }

  /**
   * The reference runs a framework module's entry point (capture_error=True) through an unquoted
   * shell line, which splits arguments with spaces ({@code ['a', 'b']} arrives as {@code [a,} and
   * {@code b]}). smtk passes them intact (docs/DECISIONS.md, "Two execution paths"), so the
   * script's argv equals the arguments the module passed: {@code env.to_cmd_args()}.
   */
  private static void waiveShellSplitting(JsonNode expected) {
    JsonNode seen = expected.get("api");
    if (seen != null && seen.isObject() && seen.has("to_cmd_args")) {
      ((ObjectNode) seen).set("argv", seen.get("to_cmd_args").deepCopy());
    }
  }

  private static void compare(String name, JsonNode expected, Path file, List<String> differences)
      throws IOException {
    boolean exists = Files.exists(file);
    if (expected == null || expected.isNull()) {
      if (exists) {
        differences.add(name + ": expected none, found " + file);
      }
      return;
    }
    if (!exists) {
      differences.add(name + ": expected " + file + ", not written");
      return;
    }
    JsonEquality.diff(
        name, normalized(expected), normalized(JSON.readTree(file.toFile())), differences);
  }

  /**
   * {@code sagemaker_s3_output} is recorded as a bound method's repr: its object address differs
   * per run.
   */
  private static JsonNode normalized(JsonNode node) throws IOException {
    return JSON.readTree(JSON.writeValueAsString(node).replaceAll("0x[0-9a-f]+", "0x0"));
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
