package io.smtk.distributed.torch;

import io.smtk.ToolkitException;
import io.smtk.distributed.cluster.JobProcesses;
import io.smtk.distributed.cluster.LaunchConfigurationException;
import io.smtk.distributed.cluster.LaunchPlan;
import io.smtk.environment.ToolkitSettings;
import io.smtk.launch.UserLaunch;
import io.smtk.logging.ToolkitLog;
import io.smtk.outcome.ExecuteUserScriptException;
import io.smtk.process.CommandLine;
import io.smtk.process.ProcessResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs torch distributed training on this host (spec section 18.5): {@code torchrun} with the
 * reference's arguments on every host, or, with {@code SMTK_TORCH_LAUNCHER=env}, the ranks started
 * directly with the variables torchrun would give them. Either way a failing launch fails the job
 * (the reference lost that failure with the native launcher, §22 item 6).
 */
public final class TorchRunner {

  /** The port of the rendezvous on a single host, torchrun's default. */
  static final int SINGLE_HOST_PORT = 29500;

  private final LaunchPlan plan;
  private final ToolkitSettings settings;
  private final ToolkitLog log;
  private final UserLaunch launch;
  private final JobProcesses processes;

  public TorchRunner(
      LaunchPlan plan,
      ToolkitSettings settings,
      ToolkitLog log,
      UserLaunch launch,
      JobProcesses processes) {
    this.plan = plan;
    this.settings = settings;
    this.log = log;
    this.launch = launch;
    this.processes = processes;
  }

  public void run() throws ToolkitException {
    Map<String, String> environment = new LinkedHashMap<>(launch.environment());
    environment.putAll(TorchrunCommand.environment(plan));
    if (settings.torchLauncher() == ToolkitSettings.TorchLauncher.ENV) {
      runRanks(environment);
      return;
    }
    List<String> launcher =
        settings
            .which("torchrun")
            .map(path -> List.of(path.toString()))
            .orElse(List.of(plan.python(), "-m", "torch.distributed.run"));
    List<String> command = TorchrunCommand.build(plan, launcher);
    log.info(
        "Invoking script with the following command:\n\n" + CommandLine.render(command) + "\n");
    ProcessResult result = processes.run(command, launch.codeDir(), environment, null);
    if (result.exitCode() != 0) {
      throw new ExecuteUserScriptException(command, result.exitCode(), result.errorText());
    }
  }

  /**
   * Returns the variables of each local rank for the {@code env} launcher: {@code RANK}, {@code
   * LOCAL_RANK}, {@code WORLD_SIZE}, {@code LOCAL_WORLD_SIZE}, {@code GROUP_RANK}, {@code
   * MASTER_ADDR}, {@code MASTER_PORT} (7777 across hosts, torchrun's 127.0.0.1:29500 on one) and
   * the torchelastic role variables, as torchrun sets them.
   *
   * @param plan the launch plan
   * @return one map per local rank, in rank order
   * @throws LaunchConfigurationException if the current host is not a distribution host
   */
  static List<Map<String, String>> rankEnvironments(LaunchPlan plan)
      throws LaunchConfigurationException {
    int node = plan.hostRank("torch node rank");
    int perHost = plan.processesPerHost();
    int worldSize = perHost * plan.hosts().size();
    boolean single = plan.hosts().size() == 1;
    List<Map<String, String>> ranks = new ArrayList<>();
    for (int local = 0; local < perHost; local++) {
      Map<String, String> env = new LinkedHashMap<>();
      String rank = Integer.toString(node * perHost + local);
      env.put("MASTER_ADDR", single ? "127.0.0.1" : plan.masterHost());
      env.put(
          "MASTER_PORT", Integer.toString(single ? SINGLE_HOST_PORT : TorchrunCommand.MASTER_PORT));
      env.put("WORLD_SIZE", Integer.toString(worldSize));
      env.put("RANK", rank);
      env.put("LOCAL_RANK", Integer.toString(local));
      env.put("LOCAL_WORLD_SIZE", Integer.toString(perHost));
      env.put("GROUP_RANK", Integer.toString(node));
      env.put("GROUP_WORLD_SIZE", Integer.toString(plan.hosts().size()));
      env.put("ROLE_NAME", "default");
      env.put("ROLE_RANK", rank);
      env.put("ROLE_WORLD_SIZE", Integer.toString(worldSize));
      ranks.add(Collections.unmodifiableMap(env));
    }
    return List.copyOf(ranks);
  }

  private void runRanks(Map<String, String> environment) throws ToolkitException {
    // Same entry point checks as torchrun: a script only.
    TorchrunCommand.build(plan, List.of());
    List<String> command = launch.plainCommand();
    List<Map<String, String>> ranks = rankEnvironments(plan);
    log.info(
        "Invoking script on "
            + ranks.size()
            + " local rank(s) with RANK/WORLD_SIZE/MASTER_ADDR ("
            + "SMTK_TORCH_LAUNCHER=env):\n\n"
            + CommandLine.render(command)
            + "\n");
    if (ranks.size() == 1) {
      check(command, runRank(command, environment, ranks.get(0)));
      return;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            ranks.size(),
            task -> {
              Thread thread = new Thread(task, "smtk-torch-rank");
              thread.setDaemon(true);
              return thread;
            });
    try {
      List<Future<ProcessResult>> running = new ArrayList<>();
      for (Map<String, String> rank : ranks) {
        running.add(pool.submit(() -> runRank(command, environment, rank)));
      }
      ToolkitException failure = null;
      for (Future<ProcessResult> future : running) {
        try {
          check(command, future.get());
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          failure =
              failure != null
                  ? failure
                  : cause instanceof ToolkitException toolkitException
                      ? toolkitException
                      : new ToolkitException("A torch rank failed to run: " + cause, cause);
        } catch (ToolkitException e) {
          failure = failure != null ? failure : e;
        } catch (java.util.concurrent.CancellationException e) {
          continue; // stopped below, after another rank failed
        }
        if (failure != null) {
          // One local rank failed: the others would wait in a collective forever; stop them.
          running.forEach(other -> other.cancel(true));
        }
      }
      if (failure != null) {
        throw failure;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolkitException("Interrupted while running the torch ranks", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private ProcessResult runRank(
      List<String> command, Map<String, String> environment, Map<String, String> rank)
      throws ToolkitException {
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.putAll(rank);
    return processes.run(command, launch.codeDir(), env, null);
  }

  private static void check(List<String> command, ProcessResult result)
      throws ExecuteUserScriptException {
    if (result.exitCode() != 0) {
      throw new ExecuteUserScriptException(command, result.exitCode(), result.errorText());
    }
  }
}
