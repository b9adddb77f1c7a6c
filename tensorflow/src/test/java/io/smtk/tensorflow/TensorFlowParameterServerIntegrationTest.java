package io.smtk.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Tests for {@link TensorFlowTraining} in parameter-server mode across two hosts in network
 * namespaces, with the stand-in {@code tensorflow} package (TensorFlow is not installable here): a
 * parameter server starts on each host, the user's script gets each host's TF_CONFIG, and no
 * parameter server is left running after the job.
 */
@Timeout(300)
class TensorFlowParameterServerIntegrationTest {

  private static final String TRAIN =
      String.join(
          "\n",
          "import json, os, time",
          "import tensorflow as tf",
          "config = json.loads(os.environ['TF_CONFIG'])",
          "task = config['task']",
          "server = tf.distribute.Server(tf.train.ClusterSpec(config['cluster']), job_name=task['type'], task_index=task['index'])",
          "time.sleep(3 if task['type'] == 'master' else 1)",
          "open(os.path.join(os.environ['SM_MODEL_DIR'], 'tf_config.json'), 'w').write(os.environ['TF_CONFIG'])",
          "");

  @TempDir Path recordDir;

  @BeforeAll
  static void requireNamespaces() {
    NetnsCluster.requireAvailable(Optional.empty());
  }

  @Test
  void train_twoHostsParameterServer_serverPerHostStoppedAfterJob() throws Exception {
    StandinRecords records = StandinRecords.in(recordDir);
    try (NetnsCluster cluster = NetnsCluster.start(2)) {
      NamespaceJobs job =
          NamespaceJobs.layOut(
              cluster,
              "{\"sagemaker_program\": \"\\\"train.py\\\"\", \"sagemaker_parameter_server_enabled\": \"true\"}",
              Map.of("train.py", TRAIN));

      List<NamespaceJobs.HostResult> results =
          job.train(records.environment(TensorFlowTraining.MODULE), Duration.ofMinutes(3));

      for (NamespaceJobs.HostResult result : results) {
        assertThat(result.exitCode()).as(result.host() + ":\n" + result.output()).isZero();
      }
      List<String> hosts = List.of("algo-1", "algo-2");
      for (int i = 1; i <= 2; i++) {
        assertThat(job.tree(i).model("tf_config.json"))
            .hasContent(TfConfig.parameterServer(hosts, hosts.get(i - 1), false));
        assertThat(job.tree(i).success()).exists();
      }
      assertThat(records.imports("tensorflow"))
          .extracting(r -> r.path("hostname").asText())
          .contains("algo-1", "algo-2");
      for (String host : hosts) {
        List<JsonNode> servers = records.named(host + "-server-ps-");
        assertThat(servers).as("parameter servers started on " + host).hasSize(1);
        assertThat(servers.get(0).path("address").asText()).isEqualTo(host + ":2223");
        assertThat(servers.get(0).path("device_count").path("GPU").asInt(-1)).isZero();
      }
      assertThat(records.named("algo-1-server-master-")).hasSize(1);
      assertThat(records.named("algo-2-server-worker-")).hasSize(1);
      records.assertNoneRunning();
    }
  }
}
