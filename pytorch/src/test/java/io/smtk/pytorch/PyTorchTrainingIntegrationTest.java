package io.smtk.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.testing.JobTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link PyTorchTraining}: real single-host training with Debian's python3-torch through
 * {@code bin/smtk train}.
 */
class PyTorchTrainingIntegrationTest {

  private static final String TRAIN =
      String.join(
          "\n",
          "import argparse, os",
          "import torch",
          "parser = argparse.ArgumentParser()",
          "parser.add_argument('--epochs', type=int)",
          "parser.add_argument('--lr', type=float)",
          "args = parser.parse_args()",
          "print('env', os.environ['MASTER_ADDR'], os.environ['MASTER_PORT'], os.environ['NCCL_SOCKET_IFNAME'],",
          "      os.environ['NCCL_DEBUG'], os.environ.get('SM_DLC_TORCH_VERSION'))",
          "torch.manual_seed(0)",
          "x = torch.linspace(-1, 1, 64).unsqueeze(1)",
          "y = 3 * x + 0.5",
          "model = torch.nn.Linear(1, 1)",
          "optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)",
          "for _ in range(args.epochs):",
          "    optimizer.zero_grad()",
          "    loss = torch.nn.functional.mse_loss(model(x), y)",
          "    loss.backward()",
          "    optimizer.step()",
          "print('loss', loss.item())",
          "torch.save(model.state_dict(), os.path.join(os.environ['SM_MODEL_DIR'], 'model.pth'))",
          "");

  @TempDir Path dir;

  @Test
  void train_linearRegression_modelSavedAndEnvironmentSet() throws Exception {
    JobTree job =
        JobTree.create(dir.resolve("opt/ml"))
            .config(
                "hyperparameters.json",
                "{\"epochs\": \"300\", \"lr\": \"0.1\", \"sagemaker_program\": \"\\\"train.py\\\"\"}")
            .code("train.py", TRAIN);

    JobTree.Result result =
        job.train(
            Map.of("SAGEMAKER_TRAINING_MODULE", PyTorchTraining.MODULE), Duration.ofMinutes(5));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("env algo-1 7777 eth0 WARN 1.13")
        .contains("PyTorch training: runner PROCESS");
    double loss =
        Double.parseDouble(
            result
                .output()
                .lines()
                .filter(line -> line.startsWith("loss "))
                .findFirst()
                .orElseThrow()
                .substring(5));
    assertThat(loss).isLessThan(1e-3);
    assertThat(Files.size(job.model("model.pth"))).isPositive();
    assertThat(job.success()).exists();
  }

  @Test
  void train_glooShutdownMessage_reportedAsSuccess() throws Exception {
    JobTree job =
        JobTree.create(dir.resolve("opt/ml"))
            .config("hyperparameters.json", "{\"sagemaker_program\": \"\\\"train.py\\\"\"}")
            .code(
                "train.py",
                "import sys\nsys.stderr.write(\""
                    + PyTorchTraining.GLOO_SHUTDOWN_MESSAGE.replace("'", "\\'")
                    + "\\n\")\nsys.exit(134)\n");

    JobTree.Result result =
        job.train(
            Map.of("SAGEMAKER_TRAINING_MODULE", PyTorchTraining.MODULE), Duration.ofMinutes(3));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("Known exception");
    assertThat(job.success()).exists();
  }

  @Test
  void train_realFailure_notSwallowed() throws Exception {
    JobTree job =
        JobTree.create(dir.resolve("opt/ml"))
            .config("hyperparameters.json", "{\"sagemaker_program\": \"\\\"train.py\\\"\"}")
            .code("train.py", "import torch\ntorch.zeros(2) @ torch.zeros(3)\n");

    JobTree.Result result =
        job.train(
            Map.of("SAGEMAKER_TRAINING_MODULE", PyTorchTraining.MODULE), Duration.ofMinutes(3));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(job.failure()).content().contains("RuntimeError");
  }
}
