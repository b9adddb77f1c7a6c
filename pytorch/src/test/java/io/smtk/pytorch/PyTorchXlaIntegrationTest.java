package io.smtk.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtk.testing.JobTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests the PT-XLA runner chosen by {@link PyTorchTraining} ({@code
 * sagemaker_pytorch_xla_multi_worker_enabled}) through {@code bin/smtk train}, with a fake {@code
 * nvidia-smi} (two GPUs) and a stand-in {@code torch_xla} package (PyTorch/XLA is not installable
 * here) that checks and records what {@code xla_spawn} is given.
 */
class PyTorchXlaIntegrationTest {

  @TempDir Path dir;

  @Test
  void train_xlaEnabledWithGpus_runsXlaSpawnWithXrtEnvironment() throws Exception {
    JobTree job = job();
    Map<String, String> env = environment(true);

    JobTree.Result result = job.train(env, Duration.ofMinutes(3));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("PyTorch training: runner PYTORCH_XLA")
        .contains("script ran with ['--epochs', '2']");
    JsonNode spawn = new ObjectMapper().readTree(job.model("xla_spawn.json").toFile());
    assertThat(spawn.path("num_gpus").asInt()).isEqualTo(2);
    assertThat(spawn.path("GPU_NUM_DEVICES").asText()).isEqualTo("2");
    assertThat(spawn.path("XRT_HOST_ORDINAL").asText()).isEqualTo("0");
    assertThat(spawn.path("XRT_SHARD_WORLD_SIZE").asText()).isEqualTo("1");
    assertThat(spawn.path("XRT_WORKERS").asText()).isEqualTo("localservice:0;algo-1:43857");
    assertThat(spawn.path("XRT_MESH_SERVICE_ADDRESS").isNull())
        .as("one host: no mesh service")
        .isTrue();
    assertThat(spawn.path("script").asText()).isEqualTo("train.py");
    assertThat(job.success()).exists();
  }

  @Test
  void train_xlaEnabledWithoutTorchXla_failsSayingSo() throws Exception {
    JobTree job = job();

    JobTree.Result result = job.train(environment(false), Duration.ofMinutes(3));

    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(job.failure()).content().contains("Unable to find PT-XLA");
  }

  private JobTree job() throws Exception {
    return JobTree.create(dir.resolve("opt/ml"))
        .config(
            "hyperparameters.json",
            "{\"sagemaker_program\": \"\\\"train.py\\\"\", \"epochs\": \"2\","
                + " \"sagemaker_pytorch_xla_multi_worker_enabled\": \"true\"}")
        .code("train.py", "import sys\nprint('script ran with', sys.argv[1:])\n");
  }

  private Map<String, String> environment(boolean withTorchXla) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("fake-bin"));
    Path smi = bin.resolve("nvidia-smi");
    Files.writeString(
        smi, "#!/bin/sh\necho 'GPU 0: Fake (UUID: GPU-0)'\necho 'GPU 1: Fake (UUID: GPU-1)'\n");
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
    Map<String, String> env = new HashMap<>();
    env.put("SAGEMAKER_TRAINING_MODULE", PyTorchTraining.MODULE);
    env.put("PATH", bin + ":/usr/bin:/bin");
    if (withTorchXla) {
      env.put("PYTHONPATH", Path.of(getClass().getResource("/standin").toURI()).toString());
    }
    return env;
  }
}
