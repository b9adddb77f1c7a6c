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
import java.util.stream.Stream;

/**
 * The JSON records the stand-in framework packages (TensorFlow, MXNet) write into {@code
 * $STANDIN_RECORD_DIR}: one file {@code <host>-<role>-<pid>.json} per process they ran as.
 */
public final class StandinRecords {

  private static final ObjectMapper MAPPER = new ObjectMapper();

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
   * Returns the records whose file name starts with a prefix, e.g. {@code algo-1-scheduler-}.
   *
   * @param prefix the file name prefix
   * @return the parsed records
   */
  public List<JsonNode> named(String prefix) {
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
    for (JsonNode record : named("")) {
      long pid = record.path("pid").asLong();
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as(
              "%s process %d on %s still running after the job",
              record, pid, record.path("host").asText())
          .isFalse();
    }
  }
}
