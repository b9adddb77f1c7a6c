package io.smtk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The JSON records the stand-in framework packages (TensorFlow, MXNet; {@code
 * images/src/main/bases/standin}, the same packages the stand-in base images carry) write for a
 * job: one role record {@code <host>-<role>-<pid>.json} per parameter-server role a process took,
 * in {@code $STANDIN_RECORD_DIR} (this folder), and one import record {@code
 * <framework>-<pid>.json} per import, in {@code $SMTK_STANDIN_RECORD_DIR} (its {@code imports}
 * subfolder). {@link #environment(String)} gives a job the variables that say so.
 */
public final class StandinRecords {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String IMPORTS = "imports";

  private final Path dir;

  private StandinRecords(Path dir) {
    this.dir = dir;
  }

  /**
   * Returns the records of a folder.
   *
   * @param dir the folder given to the job as {@code STANDIN_RECORD_DIR}
   * @return the records
   */
  public static StandinRecords in(Path dir) {
    return new StandinRecords(dir);
  }

  /**
   * Returns the folder of the stand-in framework packages, for {@code PYTHONPATH}.
   *
   * @return {@code images/src/main/bases/standin} of this checkout
   */
  public static Path packages() {
    return JobTree.projectRoot().resolve("images/src/main/bases/standin");
  }

  /**
   * Returns the variables a job needs to run a framework module on the stand-in packages and record
   * here: {@code SAGEMAKER_TRAINING_MODULE}, {@code PYTHONPATH}, both record folders, and {@code
   * PYTHONDONTWRITEBYTECODE} (no {@code __pycache__} in the source tree, where it would change the
   * base images' recipe hash).
   *
   * @param trainingModule the framework's training module
   * @return the variables
   */
  public Map<String, String> environment(String trainingModule) {
    return Map.of(
        "SAGEMAKER_TRAINING_MODULE", trainingModule,
        "PYTHONPATH", packages().toString(),
        "PYTHONDONTWRITEBYTECODE", "1",
        "STANDIN_RECORD_DIR", dir.toString(),
        "SMTK_STANDIN_RECORD_DIR", dir.resolve(IMPORTS).toString());
  }

  /**
   * Returns the role records whose file name starts with a prefix, e.g. {@code algo-1-scheduler-}.
   *
   * @param prefix the file name prefix
   * @return the parsed records
   */
  public List<JsonNode> named(String prefix) {
    return read(dir, prefix);
  }

  /**
   * Returns the import records of a stand-in framework, one per process that imported it.
   *
   * @param framework {@code tensorflow} or {@code mxnet}
   * @return the parsed records
   */
  public List<JsonNode> imports(String framework) {
    return importsNamed(framework + "-");
  }

  private List<JsonNode> importsNamed(String prefix) {
    Path imports = dir.resolve(IMPORTS);
    return Files.isDirectory(imports) ? read(imports, prefix) : List.of();
  }

  private static List<JsonNode> read(Path dir, String prefix) {
    List<JsonNode> records = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        if (file.getFileName().toString().startsWith(prefix) && file.toString().endsWith(".json")) {
          records.add(MAPPER.readTree(file.toFile()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return records;
  }

  /**
   * Asserts that none of the recorded processes still runs: the job stopped every helper it
   * started.
   */
  public void assertNoneRunning() {
    List<JsonNode> records = new ArrayList<>(named(""));
    records.addAll(importsNamed(""));
    for (JsonNode record : records) {
      long pid = record.path("pid").asLong();
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as(
              "%s process %d on %s still running after the job",
              record, pid, record.path("host").asText(record.path("hostname").asText()))
          .isFalse();
    }
  }
}
