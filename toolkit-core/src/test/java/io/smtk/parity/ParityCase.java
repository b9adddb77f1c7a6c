package io.smtk.parity;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One recorded case of a parity corpus ({@code parity/cases} in the test resources): its folder,
 * {@code case.json} and {@code expected.json}, in the format {@code parity/README.md} describes.
 *
 * @param name the folder's name
 * @param folder the folder
 * @param env the case's environment, in file order
 * @param expected the recorded outcome
 */
record ParityCase(String name, Path folder, Map<String, String> env, ObjectNode expected) {

  /** Integers keep every digit, so that an integer never compares equal to a float. */
  static final JsonMapper MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS).build();

  static ParityCase read(Path folder) throws IOException {
    ObjectNode caseJson = (ObjectNode) MAPPER.readTree(folder.resolve("case.json").toFile());
    ObjectNode expected = (ObjectNode) MAPPER.readTree(folder.resolve("expected.json").toFile());
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode envNode = caseJson.path("env");
    envNode.fields().forEachRemaining(entry -> env.put(entry.getKey(), entry.getValue().asText()));
    return new ParityCase(folder.getFileName().toString(), folder, env, expected);
  }

  static List<ParityCase> readAll(Path casesDir) throws IOException {
    List<ParityCase> cases = new ArrayList<>();
    try (Stream<Path> folders = Files.list(casesDir)) {
      for (Path folder : folders.sorted().toList()) {
        if (Files.isRegularFile(folder.resolve("case.json"))) {
          cases.add(read(folder));
        }
      }
    }
    return cases;
  }

  @Override
  public String toString() {
    return name;
  }
}
