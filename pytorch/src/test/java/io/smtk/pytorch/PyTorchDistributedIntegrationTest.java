package io.smtk.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.distributed.NetnsCluster;
import io.smtk.testing.NamespaceJobs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tests for {@link PyTorchTraining} across two hosts in network namespaces: the entry chooses the
 * torch-distributed runner from {@code sagemaker_torch_distributed_enabled} and a real gloo
 * DistributedDataParallel step runs on Debian's torch. torchrun crashes with torch 1.13 on Python
 * 3.11, so the ranks are launched with RANK/WORLD_SIZE/MASTER_ADDR ({@code
 * SMTK_TORCH_LAUNCHER=env}).
 */
@Timeout(300)
class PyTorchDistributedIntegrationTest {

  private static final String TRAIN =
      String.join(
          "\n",
          "import os, torch, torch.distributed as dist",
          "from torch.nn.parallel import DistributedDataParallel",
          "dist.init_process_group('gloo')",
          "rank, size = dist.get_rank(), dist.get_world_size()",
          "torch.manual_seed(0)",
          "model = DistributedDataParallel(torch.nn.Linear(4, 1))",
          "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)",
          "x = torch.full((8, 4), float(rank + 1))",
          "model(x).pow(2).mean().backward()",
          "optimizer.step()",
          "weights = torch.cat([p.detach().flatten() for p in model.parameters()])",
          "gathered = [torch.zeros_like(weights) for _ in range(size)]",
          "dist.all_gather(gathered, weights)",
          "same = all(torch.equal(gathered[0], g) for g in gathered)",
          "import sys",
          "sys.stdout.write('ddp rank=%d size=%d master=%s nccl=%s same=%s\\n' % (rank, size, os.environ['MASTER_ADDR'],",
          "    os.environ['NCCL_SOCKET_IFNAME'], same))",
          "sys.stdout.flush()",
          "if rank == 0:",
          "    torch.save(model.module.state_dict(), os.path.join(os.environ['SM_MODEL_DIR'], 'model.pth'))",
          "dist.destroy_process_group()",
          "");

  @BeforeAll
  static void requireNamespaces() {
    NetnsCluster.requireAvailable(Optional.empty());
  }

  @Test
  void train_torchDistributedOnTwoHosts_ddpStepSucceeds() throws Exception {
    try (NetnsCluster cluster = NetnsCluster.start(2)) {
      NamespaceJobs job =
          NamespaceJobs.layOut(
              cluster,
              "{\"sagemaker_program\": \"\\\"train.py\\\"\", \"sagemaker_torch_distributed_enabled\": \"true\"}",
              Map.of("train.py", TRAIN));

      List<NamespaceJobs.HostResult> results =
          job.train(
              Map.of(
                  "SAGEMAKER_TRAINING_MODULE",
                  PyTorchTraining.MODULE,
                  "SMTK_TORCH_LAUNCHER",
                  "env"),
              Duration.ofMinutes(4));

      for (int i = 0; i < results.size(); i++) {
        NamespaceJobs.HostResult result = results.get(i);
        assertThat(result.exitCode()).as(result.host() + ":\n" + result.output()).isZero();
        assertThat(result.output())
            .as(result.host())
            .contains("PyTorch training: runner TORCH_DISTRIBUTED")
            .contains("ddp rank=" + i + " size=2 master=algo-1 nccl=eth0 same=True");
        assertThat(job.tree(i + 1).success()).exists();
      }
      assertThat(job.tree(1).model("model.pth")).exists();
    }
  }
}
