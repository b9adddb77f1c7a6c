package io.smtk.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link TfConfig}: the exact strings of the SageMaker TensorFlow container's tests. */
class TfConfigTest {

  private static final List<String> ONE = List.of("host1");
  private static final List<String> TWO = List.of("host1", "host2");
  private static final List<String> THREE = List.of("host1", "host2", "host3");

  @Test
  void parameterServer_oneHost_masterOnlyNoPs() {
    assertThat(TfConfig.parameterServer(ONE, "host1", false))
        .isEqualTo(
            "{\"cluster\": {\"master\": [\"host1:2222\"]}, \"environment\": \"cloud\", \"task\": {\"index\": 0, \"type\": \"master\"}}");
  }

  @Test
  void parameterServer_twoHosts_everyTask() {
    String cluster =
        "{\"cluster\": {\"master\": [\"host1:2222\"], \"ps\": [\"host1:2223\", \"host2:2223\"], \"worker\": [\"host2:2222\"]}, \"environment\": \"cloud\", ";
    assertThat(TfConfig.parameterServer(TWO, "host1", false))
        .isEqualTo(cluster + "\"task\": {\"index\": 0, \"type\": \"master\"}}");
    assertThat(TfConfig.parameterServer(TWO, "host2", false))
        .isEqualTo(cluster + "\"task\": {\"index\": 0, \"type\": \"worker\"}}");
    assertThat(TfConfig.parameterServer(TWO, "host1", true))
        .isEqualTo(cluster + "\"task\": {\"index\": 0, \"type\": \"ps\"}}");
    assertThat(TfConfig.parameterServer(TWO, "host2", true))
        .isEqualTo(cluster + "\"task\": {\"index\": 1, \"type\": \"ps\"}}");
  }

  @Test
  void parameterServer_threeHosts_workerIndexes() {
    String cluster =
        "{\"cluster\": {\"master\": [\"host1:2222\"], \"ps\": [\"host1:2223\", \"host2:2223\", \"host3:2223\"], "
            + "\"worker\": [\"host2:2222\", \"host3:2222\"]}, \"environment\": \"cloud\", ";
    assertThat(TfConfig.parameterServer(THREE, "host1", false))
        .isEqualTo(cluster + "\"task\": {\"index\": 0, \"type\": \"master\"}}");
    assertThat(TfConfig.parameterServer(THREE, "host2", false))
        .isEqualTo(cluster + "\"task\": {\"index\": 0, \"type\": \"worker\"}}");
    assertThat(TfConfig.parameterServer(THREE, "host3", false))
        .isEqualTo(cluster + "\"task\": {\"index\": 1, \"type\": \"worker\"}}");
    assertThat(TfConfig.parameterServer(THREE, "host3", true))
        .isEqualTo(cluster + "\"task\": {\"index\": 2, \"type\": \"ps\"}}");
  }

  @Test
  void parameterServer_psTaskOnOneHost_rejected() {
    assertThatThrownBy(() -> TfConfig.parameterServer(ONE, "host1", true))
        .hasMessage("Cannot have a ps task if there are no parameter servers in the cluster");
  }

  @Test
  void parameterServerCluster_isTheClusterMember() {
    assertThat(TfConfig.parameterServerCluster(TWO, "host2"))
        .isEqualTo(
            "{\"master\": [\"host1:2222\"], \"ps\": [\"host1:2223\", \"host2:2223\"], \"worker\": [\"host2:2222\"]}");
  }

  @Test
  void multiWorkerMirrored_everyHostAWorker() {
    assertThat(TfConfig.multiWorkerMirrored(ONE, "host1"))
        .isEqualTo(
            "{\"cluster\": {\"worker\": [\"host1:8890\"]}, \"environment\": \"cloud\", \"task\": {\"index\": 0, \"type\": \"worker\"}}");
    String three =
        "{\"cluster\": {\"worker\": [\"host1:8890\", \"host2:8890\", \"host3:8890\"]}, \"environment\": \"cloud\", ";
    for (int i = 0; i < 3; i++) {
      assertThat(TfConfig.multiWorkerMirrored(THREE, THREE.get(i)))
          .isEqualTo(three + "\"task\": {\"index\": " + i + ", \"type\": \"worker\"}}");
    }
    assertThat(TfConfig.multiWorkerMirrored(TWO, "host2"))
        .endsWith("\"task\": {\"index\": 1, \"type\": \"worker\"}}");
  }

  @Test
  void multiWorkerMirrored_unknownHost_rejected() {
    assertThatThrownBy(() -> TfConfig.multiWorkerMirrored(TWO, "host9"))
        .hasMessageContaining("host9");
  }
}
