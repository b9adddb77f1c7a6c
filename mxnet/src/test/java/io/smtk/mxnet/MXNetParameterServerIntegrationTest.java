package io.smtk.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtk.distributed.NetnsCluster;
import io.smtk.testing.NamespaceJobs;
import io.smtk.testing.StandinRecords;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link MXNetTraining} in parameter-server mode across two hosts in network namespaces,
 * with the stand-in {@code mxnet} package (MXNet is not installable here): the scheduler only on
 * algo-1, a server on both hosts, the user's script as a worker, and nothing left running.
 */
@Timeout(300)
class MXNetParameterServerIntegrationTest {

  private static final String TRAIN =
      String.join(
          "\n",
          "import json, os",
          "import mxnet",
          "keys = ('DMLC_ROLE', 'DMLC_NUM_WORKER', 'DMLC_NUM_SERVER', 'DMLC_PS_ROOT_URI', 'DMLC_PS_ROOT_PORT', 'PS_VERBOSE')",
          "open(os.path.join(os.environ['SM_MODEL_DIR'], 'dmlc.json'), 'w').write(json.dumps({k: os.environ[k] for k in keys}))",
          "");

  @TempDir Path recordDir;

  @BeforeAll
  static void requireNamespaces() {
    NetnsCluster.requireAvailable(Optional.empty());
  }

  @Test
  void train_twoHostsParameterServer_schedulerOnFirstServersOnBothNoneLeft() throws Exception {
    StandinRecords records = StandinRecords.in(recordDir);
    try (NetnsCluster cluster = NetnsCluster.start(2)) {
      NamespaceJobs job =
          NamespaceJobs.layOut(
              cluster,
              "{\"sagemaker_program\": \"\\\"train.py\\\"\", \"sagemaker_parameter_server_enabled\": \"true\", \"_ps_port\": \"8001\"}",
              Map.of("train.py", TRAIN));

      List<NamespaceJobs.HostResult> results =
          job.train(records.environment(MXNetTraining.MODULE), Duration.ofMinutes(3));

      for (NamespaceJobs.HostResult result : results) {
        assertThat(result.exitCode()).as(result.host() + ":\n" + result.output()).isZero();
      }
      ObjectMapper mapper = new ObjectMapper();
      String rootUri = cluster.address(1);
      for (int i = 1; i <= 2; i++) {
        JsonNode dmlc = mapper.readTree(job.tree(i).model("dmlc.json").toFile());
        assertThat(dmlc.path("DMLC_ROLE").asText()).isEqualTo("worker");
        assertThat(dmlc.path("DMLC_NUM_WORKER").asText()).isEqualTo("2");
        assertThat(dmlc.path("DMLC_PS_ROOT_URI").asText()).isEqualTo(rootUri);
        assertThat(dmlc.path("DMLC_PS_ROOT_PORT").asText()).isEqualTo("8001");
      }
      assertThat(records.imports("mxnet"))
          .extracting(r -> r.path("hostname").asText())
          .contains("algo-1", "algo-2");
      assertThat(records.named("algo-1-scheduler-")).hasSize(1);
      assertThat(records.named("algo-2-scheduler-")).isEmpty();
      assertThat(records.named("algo-1-server-")).hasSize(1);
      assertThat(records.named("algo-2-server-")).hasSize(1);
      records.assertNoneRunning();
    }
  }
}
