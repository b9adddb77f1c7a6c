package io.smtk.distributed.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtk.distributed.cluster.JobProcesses;
import io.smtk.distributed.cluster.LaunchConfigurationException;
import io.smtk.distributed.cluster.LaunchPlan;
import io.smtk.environment.ToolkitSettings;
import io.smtk.launch.EntryPoint;
import io.smtk.launch.UserLaunch;
import io.smtk.logging.ToolkitLog;
import io.smtk.outcome.ExecuteUserScriptException;
import io.smtk.process.ProcessResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link TorchRunner}. */
class TorchRunnerTest {

  private static LaunchPlan.Builder plan() {
    return LaunchPlan.builder()
        .hosts(List.of("algo-1", "algo-2"))
        .currentHost("algo-2")
        .processesPerHost(2)
        .entryPoint(EntryPoint.Type.PYTHON_PROGRAM, "train.py");
  }

  @Test
  void run_torchrunFails_failsTheJobWithItsCommandAndExitCode() throws Exception {
    // Spec section 22 item 6: the reference lost this failure with the native launcher.
    List<List<String>> commands = new ArrayList<>();
    List<Map<String, String>> environments = new ArrayList<>();
    JobProcesses processes =
        (command, dir, env, transformer) -> {
          commands.add(command);
          environments.add(env);
          return new ProcessResult(command, 3, 0, "RuntimeError: rendezvous failed");
        };
    LaunchPlan plan =
        plan()
            .python("/usr/bin/python3")
            .networkInterface("eth1")
            .args(List.of("--lr", "1"))
            .build();
    UserLaunch launch =
        new UserLaunch(
            new EntryPoint("train.py", EntryPoint.Type.PYTHON_PROGRAM),
            "/usr/bin/python3",
            Path.of("/code"),
            List.of("--lr", "1"),
            Map.of(),
            Map.of("SM_HOSTS", "[]"));
    ToolkitSettings settings = ToolkitSettings.from(Map.of("PATH", "/nonexistent"));

    TorchRunner runner = new TorchRunner(plan, settings, quietLog(), launch, processes);

    org.assertj.core.api.Assertions.assertThatThrownBy(runner::run)
        .isInstanceOf(ExecuteUserScriptException.class)
        .satisfies(e -> assertThat(((ExecuteUserScriptException) e).exitCode()).isEqualTo(3))
        .satisfies(
            e ->
                assertThat(((ExecuteUserScriptException) e).failureReason())
                    .contains("RuntimeError: rendezvous failed"));
    assertThat(String.join(" ", commands.get(0)))
        .isEqualTo(
            "/usr/bin/python3 -m torch.distributed.run --nnodes 2 --nproc_per_node 2"
                + " --master_addr algo-1 --master_port 7777 --node_rank 1 train.py --lr 1");
    assertThat(environments.get(0))
        .containsEntry("SM_HOSTS", "[]")
        .containsEntry("NCCL_SOCKET_IFNAME", "eth1")
        .containsEntry("NCCL_PROTO", "simple");
  }

  @Test
  void run_envLauncherOneRankFails_failsTheJob() throws Exception {
    List<String> ranks = new ArrayList<>();
    JobProcesses processes =
        (command, dir, env, transformer) -> {
          synchronized (ranks) {
            ranks.add(env.get("RANK"));
          }
          return new ProcessResult(command, env.get("RANK").equals("3") ? 1 : 0, 0, "boom");
        };
    UserLaunch launch =
        new UserLaunch(
            new EntryPoint("train.py", EntryPoint.Type.PYTHON_PROGRAM),
            "/usr/bin/python3",
            Path.of("/code"),
            List.of(),
            Map.of(),
            Map.of());
    ToolkitSettings settings = ToolkitSettings.from(Map.of("SMTK_TORCH_LAUNCHER", "env"));

    TorchRunner runner = new TorchRunner(plan().build(), settings, quietLog(), launch, processes);

    org.assertj.core.api.Assertions.assertThatThrownBy(runner::run)
        .isInstanceOf(ExecuteUserScriptException.class);
    assertThat(ranks).containsExactlyInAnyOrder("2", "3");
  }

  @Test
  void run_pythonPackage_isRejectedLikeTorchrun() throws Exception {
    UserLaunch launch =
        new UserLaunch(
            new EntryPoint("pkg", EntryPoint.Type.PYTHON_PACKAGE),
            "/usr/bin/python3",
            Path.of("/code"),
            List.of(),
            Map.of(),
            Map.of());
    ToolkitSettings settings = ToolkitSettings.from(Map.of("SMTK_TORCH_LAUNCHER", "env"));
    TorchRunner runner =
        new TorchRunner(
            plan().entryPoint(EntryPoint.Type.PYTHON_PACKAGE, "pkg").build(),
            settings,
            quietLog(),
            launch,
            (command, dir, env, transformer) -> {
              throw new AssertionError("nothing runs");
            });

    org.assertj.core.api.Assertions.assertThatThrownBy(runner::run)
        .isInstanceOf(UnsupportedEntryPointException.class)
        .hasMessageContaining("Python packages are not supported for torch_distributed");
  }

  private static ToolkitLog quietLog() {
    return ToolkitLog.to(
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  @Test
  void rankEnvironments_secondHostTwoSlots_matchesTorchrun() throws Exception {
    List<Map<String, String>> ranks = TorchRunner.rankEnvironments(plan().build());

    assertThat(ranks).hasSize(2);
    assertThat(ranks.get(1))
        .containsExactly(
            Map.entry("MASTER_ADDR", "algo-1"),
            Map.entry("MASTER_PORT", "7777"),
            Map.entry("WORLD_SIZE", "4"),
            Map.entry("RANK", "3"),
            Map.entry("LOCAL_RANK", "1"),
            Map.entry("LOCAL_WORLD_SIZE", "2"),
            Map.entry("GROUP_RANK", "1"),
            Map.entry("GROUP_WORLD_SIZE", "2"),
            Map.entry("ROLE_NAME", "default"),
            Map.entry("ROLE_RANK", "3"),
            Map.entry("ROLE_WORLD_SIZE", "4"));
  }

  @Test
  void rankEnvironments_singleHost_usesTorchrunLocalDefaults() throws Exception {
    Map<String, String> rank =
        TorchRunner.rankEnvironments(
                plan().hosts(List.of("algo-1")).currentHost("algo-1").processesPerHost(1).build())
            .get(0);

    assertThat(rank)
        .containsEntry("MASTER_ADDR", "127.0.0.1")
        .containsEntry("MASTER_PORT", "29500");
  }

  @Test
  void rankEnvironments_hostOutsideDistribution_namesHost() {
    assertThatThrownBy(() -> TorchRunner.rankEnvironments(plan().currentHost("algo-9").build()))
        .isInstanceOf(LaunchConfigurationException.class)
        .hasMessageContaining("'algo-9'");
  }
}
