package io.smtk.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.testing.JobTree;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests {@code smtk local --framework pytorch --distribution torch_distributed} in process mode
 * with Debian's python3-torch 1.13 on Python 3.11, whose torchrun fails at start: smtk local
 * notices it and the hosts start the ranks themselves ({@code SMTK_TORCH_LAUNCHER=env}) without the
 * user setting anything.
 */
class LocalTorchDistributedIntegrationTest {

  private static final String TRAIN =
      String.join(
          "\n",
          "import os, sys",
          "import torch.distributed as dist",
          "dist.init_process_group('gloo')",
          "sys.stdout.write('rank %d of %d launcher %s\\n' % (dist.get_rank(), dist.get_world_size(),",
          "                 os.environ.get('SMTK_TORCH_LAUNCHER')))",
          "sys.stdout.flush()",
          "dist.destroy_process_group()",
          "");

  @TempDir Path dir;

  @Test
  void local_torchDistributedWithBrokenTorchrun_ranksStartedByTheToolkit() throws Exception {
    Path code = Files.createDirectories(dir.resolve("code"));
    Files.writeString(code.resolve("train.py"), TRAIN);
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    JobTree.smtk().toString(),
                    "local",
                    "--framework",
                    "pytorch",
                    "--source-dir",
                    code.toString(),
                    "--entry-point",
                    "train.py",
                    "--distribution",
                    "torch_distributed",
                    "--hyperparameter",
                    "sagemaker_mpi_num_of_processes_per_host=2",
                    "--output",
                    dir.resolve("out").toString()))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().clear();
    builder
        .environment()
        .putAll(
            java.util.Map.of("PATH", "/usr/bin:/bin", "HOME", dir.toString(), "LANG", "C.UTF-8"));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("smtk   | torchrun of torch 1.13")
        .contains(
            "(SMTK_TORCH_LAUNCHER=env); --env SMTK_TORCH_LAUNCHER=torchrun uses torchrun anyway")
        .contains("algo-1 | rank 0 of 2 launcher env")
        .contains("algo-1 | rank 1 of 2 launcher env");
  }
}
