package io.smtk.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.distributed.mpi.SmddpCommand;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tests for {@link DistributedRunners} across real hosts: every host of a {@link NetnsCluster} runs
 * {@code bin/smtk train} against its own {@code SAGEMAKER_BASE_DIR} and resourceconfig, with real
 * OpenMPI over the cluster's sshd. Needs root and {@code ip netns}; fails in CI and skips elsewhere
 * when they are missing.
 */
class DistributedTrainingIntegrationTest {

  private static final String PYTHON = "/usr/bin/python3";
  private static final Duration JOB_TIMEOUT = Duration.ofSeconds(180);

  // Every rank contributes rank + 1, so the sum over N ranks is N(N+1)/2; the last line says when
  // the rank finished, on the same clock the test reads.
  private static final String ALLREDUCE =
      String.join(
          "\n",
          "import socket, time",
          "from mpi4py import MPI",
          "comm = MPI.COMM_WORLD",
          "rank, size = comm.Get_rank(), comm.Get_size()",
          "total = comm.allreduce(rank + 1, op=MPI.SUM)",
          "import sys",
          "# One write per line: mpirun --tag-output splits a line written in two pieces (PYTHONUNBUFFERED print).",
          "sys.stdout.write('rank=%d size=%d host=%s sum=%d\\n' % (rank, size, socket.gethostname(), total))",
          "sys.stdout.flush()",
          "comm.Barrier()",
          "sys.stdout.write('done=%.3f\\n' % time.time())",
          "sys.stdout.flush()",
          "");

  private static final String RANK_ONE_RAISES =
      String.join(
          "\n",
          "from mpi4py import MPI",
          "comm = MPI.COMM_WORLD",
          "if comm.Get_rank() == 1:",
          "    raise ValueError('rank one broke on purpose')",
          "comm.Barrier()",
          "");

  private static final String RUNS_UNTIL_STOPPED =
      String.join(
          "\n",
          "import sys, time",
          "from mpi4py import MPI",
          "comm = MPI.COMM_WORLD",
          "for step in range(600):",
          "    comm.allreduce(1)",
          "    sys.stdout.write('tick %d\\n' % step)",
          "    sys.stdout.flush()",
          "    time.sleep(0.2)",
          "");

  private static final String TORCH_DDP =
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
          "loss = model(x).pow(2).mean()",
          "loss.backward()",
          "optimizer.step()",
          "weights = torch.cat([p.detach().flatten() for p in model.parameters()])",
          "gathered = [torch.zeros_like(weights) for _ in range(size)]",
          "dist.all_gather(gathered, weights)",
          "same = all(torch.equal(gathered[0], g) for g in gathered)",
          "print('ddp rank=%d size=%d master=%s same=%s' % (rank, size, os.environ['MASTER_ADDR'], same),"
              + " flush=True)",
          "dist.destroy_process_group()",
          "");

  private static final Pattern RANK_LINE =
      Pattern.compile(
          "^\\[1,mpirank:(\\d+),algo-(\\d+)\\]<stdout>:rank=(\\d+) size=(\\d+) host=(\\S+) sum=(\\d+)$",
          Pattern.MULTILINE);
  private static final Pattern DONE_LINE =
      Pattern.compile("<stdout>:done=([0-9.]+)$", Pattern.MULTILINE);

  private static Path smtk;

  @BeforeAll
  static void requireHostsAndBuild() throws Exception {
    NetnsCluster.requireAvailable(missingTools());
    smtk = findUp("bin/smtk");
    // The first run makes the class-data archive; do it once here, not in every host at once.
    Process warmUp =
        new ProcessBuilder(smtk.toString(), "--version").redirectErrorStream(true).start();
    String output = new String(warmUp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(warmUp.waitFor(300, TimeUnit.SECONDS)).as("bin/smtk --version").isTrue();
    assertThat(warmUp.exitValue()).as("bin/smtk --version: %s", output).isZero();
  }

  @Test
  @Timeout(300)
  void train_allreduceOnTwoHostsTwoRanksEach_succeedsEverywhereAndExitsPromptly() throws Exception {
    try (NetnsCluster cluster = NetnsCluster.start(2)) {
      Job job = new Job(cluster, "allreduce", ALLREDUCE, hyperparameters(2)).start();

      List<Run> runs = job.await();

      for (Run run : runs) {
        assertThat(run.exitCode()).as("exit code of %s", job.describe()).isZero();
        assertThat(job.base(run.host()).resolve("output/success")).exists();
      }
      assertRanks(runs.get(0).stdout(), 2, 2, job);
      assertExitedPromptly(runs, job);
    }
  }

  @Test
  @Timeout(300)
  void train_pythonFrameworkModuleRunsMpi_succeedsOnBothHosts() throws Exception {
    try (NetnsCluster cluster = NetnsCluster.start(2)) {
      Job job =
          new Job(cluster, "pymodule", ALLREDUCE, hyperparameters(2))
              .withEnv(mpiFrameworkModule(cluster.workDir()));
      job.start();

      List<Run> runs = job.await();

      for (Run run : runs) {
        assertThat(run.exitCode()).as("exit code of %s", job.describe()).isZero();
        assertThat(job.base(run.host()).resolve("output/success")).exists();
        assertThat(run.stdout())
            .as(job.describe())
            .contains("module sees is_master=" + (run.host() == 1 ? "True" : "False"));
      }
      assertRanks(runs.get(0).stdout(), 2, 2, job);
    }
  }

  @Test
  @Timeout(300)
  void train_pythonFrameworkModuleRunsMpiAndRankOneRaises_bothHostsFail() throws Exception {
    try (NetnsCluster cluster = NetnsCluster.start(2)) {
      Job job =
          new Job(cluster, "pymoduleraises", RANK_ONE_RAISES, hyperparameters(1))
              .withEnv(mpiFrameworkModule(cluster.workDir()));
      job.start();

      List<Run> runs = job.await();

      for (Run run : runs) {
        assertThat(run.exitCode()).as("exit code of %s", job.describe()).isNotZero();
        assertThat(job.base(run.host()).resolve("output/success")).doesNotExist();
        assertThat(job.failure(run.host()))
            .as(job.describe())
            .contains("ValueError: rank one broke on purpose");
      }
      assertThat(job.failure(1)).startsWith("ExecuteUserScriptError:");
    }
  }

  /**
   * A framework module written as the Python toolkit's guide shows, asking for the MPI runner
   * itself; it is found through PYTHONPATH and selected with SAGEMAKER_TRAINING_MODULE.
   */
  private static Map<String, String> mpiFrameworkModule(Path workDir) throws IOException {
    Path modules = Files.createDirectories(workDir.resolve("framework-modules/mpi_framework"));
    Files.writeString(modules.resolve("__init__.py"), "");
    Files.writeString(
        modules.resolve("training.py"),
        String.join(
            "\n",
            "import sys",
            "from sagemaker_training import entry_point, environment, runner",
            "",
            "def main():",
            "    env = environment.Environment()",
            "    sys.stdout.write('module sees is_master=%s hosts=%s\\n' % (env.is_master, env.hosts))",
            "    sys.stdout.flush()",
            "    entry_point.run(uri=env.module_dir, user_entry_point=env.user_entry_point, args=env.to_cmd_args(),",
            "                    env_vars=env.to_env_vars(), capture_error=True, runner_type=runner.MPIRunnerType)",
            ""));
    return Map.of(
        "SAGEMAKER_TRAINING_MODULE",
        "mpi_framework.training:main",
        "PYTHONPATH",
        modules.getParent().toString());
  }

  @Test
  @Timeout(300)
  void train_noSshdOnWorker_workerStartsItsOwnAndMasterUsesAJobKey() throws Exception {
    try (NetnsCluster cluster = NetnsCluster.start(2)) {
      // Stop the harness's sshd on algo-2 and give no client config: the runner must do it all.
      ProcessHandle.of(cluster.sshdPids().get(1)).ifPresent(ProcessHandle::destroy);
      ProcessHandle.of(cluster.sshdPids().get(1)).ifPresent(handle -> handle.onExit().join());
      List<String> keysBefore = smtkTempDirs();
      Job job =
          new Job(cluster, "ownsshd", ALLREDUCE, hyperparameters(1)).withoutSshConfig().start();

      List<Run> runs = job.await();

      for (Run run : runs) {
        assertThat(run.exitCode()).as(job.describe()).isZero();
      }
      assertRanks(runs.get(0).stdout(), 2, 1, job);
      assertThat(runs.get(1).stderr()).contains("Creating SSH daemon.");
      assertThat(smtkTempDirs()).as("key folders are deleted").isEqualTo(keysBefore);
    }
  }

  @Test
  @Timeout(300)
  void train_allreduceOnThreeHosts_succeedsEverywhereAndExitsPromptly() throws Exception {
    try (NetnsCluster cluster = NetnsCluster.start(3)) {
      Job job = new Job(cluster, "allreduce3", ALLREDUCE, hyperparameters(1)).start();

      List<Run> runs = job.await();

      for (Run run : runs) {
        assertThat(run.exitCode()).as("exit code of %s", job.describe()).isZero();
      }
      assertRanks(runs.get(0).stdout(), 3, 1, job);
      assertExitedPromptly(runs, job);
    }
  }

  @Test
  @Timeout(300)
  void train_rankOneRaises_everyHostFailsAndMasterNamesTheRanksError() throws Exception {
    try (NetnsCluster cluster = NetnsCluster.start(2)) {
      Job job = new Job(cluster, "raises", RANK_ONE_RAISES, hyperparameters(1)).start();

      List<Run> runs = job.await();

      for (Run run : runs) {
        assertThat(run.exitCode()).as("exit code of %s", job.describe()).isNotZero();
        assertThat(job.base(run.host()).resolve("output/success")).doesNotExist();
      }
      String masterFailure = job.failure(1);
      // SageMaker shows the first 1024 characters as the job's FailureReason.
      assertThat(masterFailure.substring(0, Math.min(1024, masterFailure.length())))
          .as(job.describe())
          .startsWith("ExecuteUserScriptError:\nExitCode 1\nErrorMessage \"")
          .contains("ValueError: rank one broke on purpose")
          .contains("ExtraInfo \"rank 1 on algo-2 failed first with exit code 1\"");
      assertThat(masterFailure).contains("Traceback (most recent call last):");
      assertThat(job.failure(2))
          .as(job.describe())
          .contains("reported by the master algo-1")
          .contains("rank 1 on algo-2 failed first")
          .contains("ValueError: rank one broke on purpose");
    }
  }

  @Test
  @Timeout(300)
  void train_workerHostKilledMidJob_masterFailsWithinAMinuteNamingIt() throws Exception {
    try (NetnsCluster cluster = NetnsCluster.start(2)) {
      Job job = new Job(cluster, "killed", RUNS_UNTIL_STOPPED, hyperparameters(1)).start();
      job.awaitOutput(1, "[1,mpirank:1,algo-2]<stdout>:tick 3", JOB_TIMEOUT);

      long killedAt = System.nanoTime();
      List<Long> killed = cluster.killHost(2);
      List<Run> runs = job.await();

      Run master = runs.get(0);
      Duration failedAfter = Duration.ofNanos(master.exitNanos() - killedAt);
      assertThat(killed).as("processes killed in algo-2").isNotEmpty();
      assertThat(master.exitCode()).as(job.describe()).isNotZero();
      assertThat(failedAfter)
          .as("master failed after the kill; %s", job.describe())
          .isLessThan(Duration.ofSeconds(60));
      assertThat(job.failure(1)).as(job.describe()).contains("algo-2");
    }
  }

  @Test
  @Timeout(300)
  void train_workerHostDisconnectedMidJob_bothSidesFailWithinThePeerTimeout() throws Exception {
    try (NetnsCluster cluster = NetnsCluster.start(2)) {
      Job job =
          new Job(cluster, "partition", RUNS_UNTIL_STOPPED, hyperparameters(1))
              .withEnv(Map.of("SMTK_PEER_TIMEOUT_SECONDS", "10"))
              .start();
      job.awaitOutput(1, "[1,mpirank:1,algo-2]<stdout>:tick 3", JOB_TIMEOUT);

      long cutAt = System.nanoTime();
      cluster.disconnect(2);
      List<Run> runs = job.await();

      for (Run run : runs) {
        assertThat(run.exitCode()).as(job.describe()).isNotZero();
        assertThat(Duration.ofNanos(run.exitNanos() - cutAt))
            .as("algo-%d failed after the cut; %s", run.host(), job.describe())
            .isLessThan(Duration.ofSeconds(40));
      }
      assertThat(job.failure(1)).as(job.describe()).contains("algo-2");
      assertThat(job.failure(2)).as(job.describe()).contains("Lost contact with the master algo-1");
    }
  }

  @Test
  @Timeout(300)
  void train_masterHostKilledMidJob_workerFailsPromptly() throws Exception {
    try (NetnsCluster cluster = NetnsCluster.start(2)) {
      Job job = new Job(cluster, "masterdies", RUNS_UNTIL_STOPPED, hyperparameters(1)).start();
      job.awaitOutput(1, "[1,mpirank:1,algo-2]<stdout>:tick 3", JOB_TIMEOUT);

      long killedAt = System.nanoTime();
      cluster.killHost(1);
      List<Run> runs = job.await();

      Run worker = runs.get(1);
      assertThat(worker.exitCode()).as(job.describe()).isNotZero();
      assertThat(Duration.ofNanos(worker.exitNanos() - killedAt))
          .as(job.describe())
          .isLessThan(Duration.ofSeconds(40));
      assertThat(job.failure(2)).as(job.describe()).contains("Lost contact with the master algo-1");
    }
  }

  @Test
  @Timeout(300)
  void train_smddpOnTwoHostsWithoutSmddprun_runsRanksThroughMpirun() throws Exception {
    try (NetnsCluster cluster = NetnsCluster.start(2)) {
      Job job =
          new Job(
                  cluster,
                  "smddp",
                  ALLREDUCE,
                  "{\"sagemaker_program\": \"\\\"train.py\\\"\","
                      + " \"sagemaker_distributed_dataparallel_enabled\": \"true\"}")
              .withEnv(Map.of("SAGEMAKER_TRAINING_MODULE", PyTorchRunnerEntry.class.getName()))
              .withTestClassPath()
              .start();

      List<Run> runs = job.await();

      for (Run run : runs) {
        assertThat(run.exitCode()).as(job.describe()).isZero();
      }
      assertThat(runs.get(0).stderr())
          .contains(SmddpCommand.SMDDPRUN_MISSING_WARNING, "--oversubscribe");
      assertRanks(runs.get(0).stdout(), 2, 1, job);
      assertExitedPromptly(runs, job);
    }
  }

  @Test
  @Timeout(300)
  void train_torchDdpOnTwoHosts_plainEnvLaunchSucceeds() throws Exception {
    // torchrun (python3 -m torch.distributed.run) crashes with Debian's torch 1.13 on Python 3.11,
    // so the ranks are launched with RANK/WORLD_SIZE/MASTER_ADDR (SMTK_TORCH_LAUNCHER=env).
    try (NetnsCluster cluster = NetnsCluster.start(2)) {
      Map<String, String> env = new HashMap<>();
      env.put("SMTK_TORCH_LAUNCHER", "env");
      env.put("SAGEMAKER_TRAINING_MODULE", PyTorchRunnerEntry.class.getName());
      Job job =
          new Job(
                  cluster,
                  "torch",
                  TORCH_DDP,
                  "{\"sagemaker_program\": \"\\\"train.py\\\"\","
                      + " \"sagemaker_torch_distributed_enabled\": \"true\"}")
              .withEnv(env)
              .withTestClassPath()
              .start();

      List<Run> runs = job.await();

      for (Run run : runs) {
        assertThat(run.exitCode()).as(job.describe()).isZero();
        assertThat(run.stdout())
            .as(job.describe())
            .contains("ddp rank=" + (run.host() - 1) + " size=2 master=algo-1 same=True");
      }
    }
  }

  private static String hyperparameters(int processesPerHost) {
    return "{\"sagemaker_program\": \"\\\"train.py\\\"\", \"sagemaker_mpi_enabled\": \"true\","
        + " \"sagemaker_mpi_num_of_processes_per_host\": \""
        + processesPerHost
        + "\"}";
  }

  private static void assertRanks(String masterOutput, int hosts, int processesPerHost, Job job) {
    int size = hosts * processesPerHost;
    int sum = size * (size + 1) / 2;
    List<Integer> seen = new ArrayList<>();
    Matcher matcher = RANK_LINE.matcher(masterOutput);
    while (matcher.find()) {
      int rank = Integer.parseInt(matcher.group(3));
      int host = rank / processesPerHost + 1;
      assertThat(Integer.parseInt(matcher.group(1))).as(job.describe()).isEqualTo(rank);
      assertThat(Integer.parseInt(matcher.group(2)))
          .as("host tag; %s", job.describe())
          .isEqualTo(host);
      assertThat(matcher.group(4)).isEqualTo(Integer.toString(size));
      assertThat(matcher.group(5)).as("gethostname() in rank %d", rank).isEqualTo("algo-" + host);
      assertThat(matcher.group(6)).isEqualTo(Integer.toString(sum));
      seen.add(rank);
    }
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      all.add(i);
    }
    assertThat(seen).as(job.describe()).containsExactlyInAnyOrderElementsOf(all);
  }

  private static void assertExitedPromptly(List<Run> runs, Job job) {
    double lastDone = 0;
    Matcher done = DONE_LINE.matcher(runs.get(0).stdout());
    while (done.find()) {
      lastDone = Math.max(lastDone, Double.parseDouble(done.group(1)));
    }
    assertThat(lastDone).as("ranks printed done; %s", job.describe()).isPositive();
    for (Run run : runs) {
      double seconds = run.exitMillis() / 1000.0 - lastDone;
      assertThat(seconds)
          .as(
              "algo-%d exited %.1f s after the last rank finished; %s",
              run.host(), seconds, job.describe())
          .isLessThan(10.0);
    }
  }

  private static List<String> smtkTempDirs() throws IOException {
    try (var files = Files.list(Paths.get(System.getProperty("java.io.tmpdir")))) {
      return files
          .map(path -> path.getFileName().toString())
          .filter(name -> name.startsWith("smtk-ssh-") || name.startsWith("smtk-sshd-"))
          .sorted()
          .toList();
    }
  }

  private static Optional<String> missingTools() throws IOException, InterruptedException {
    for (String program : List.of("/usr/bin/mpirun", PYTHON)) {
      if (!Files.isExecutable(Paths.get(program))) {
        return Optional.of(program + " is missing (run .ci/install-system-packages.sh)");
      }
    }
    Process probe =
        new ProcessBuilder(PYTHON, "-c", "import mpi4py, torch.distributed")
            .redirectErrorStream(true)
            .start();
    String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!probe.waitFor(60, TimeUnit.SECONDS) || probe.exitValue() != 0) {
      return Optional.of(PYTHON + " cannot import mpi4py and torch: " + output.strip());
    }
    return Optional.empty();
  }

  static Path findUp(String relative) {
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve(relative))) {
        return dir.resolve(relative);
      }
    }
    throw new IllegalStateException(
        relative + " not found above " + Paths.get("").toAbsolutePath());
  }

  /** How one host's toolkit ended. */
  private record Run(
      int host, int exitCode, long exitNanos, long exitMillis, String stdout, String stderr) {}

  /** One training job: a base folder per host and a toolkit process per host. */
  private static final class Job {
    private final NetnsCluster cluster;
    private final String name;
    private final Map<String, String> env = new HashMap<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<long[]> exits = new ArrayList<>();
    private boolean testClassPath;

    Job(NetnsCluster cluster, String name, String script, String hyperparameters)
        throws IOException {
      this.cluster = cluster;
      this.name = name;
      List<String> hosts = new ArrayList<>();
      for (int host = 1; host <= cluster.size(); host++) {
        hosts.add("\"" + cluster.hostname(host) + "\"");
      }
      for (int host = 1; host <= cluster.size(); host++) {
        Path base = base(host);
        Files.createDirectories(base.resolve("input/config"));
        Files.createDirectories(base.resolve("code"));
        Files.writeString(base.resolve("code/train.py"), script);
        Files.writeString(base.resolve("input/config/hyperparameters.json"), hyperparameters);
        Files.writeString(base.resolve("input/config/inputdataconfig.json"), "{}");
        Files.writeString(
            base.resolve("input/config/resourceconfig.json"),
            "{\"current_host\": \""
                + cluster.hostname(host)
                + "\", \"hosts\": ["
                + String.join(", ", hosts)
                + "], \"current_instance_type\": \"ml.c5.xlarge\", \"network_interface_name\": \"eth0\"}");
      }
      env.put("SMTK_PYTHON", PYTHON);
      env.put("SMTK_SSH_CONFIG", cluster.sshConfig().toString());
      env.put("TRAINING_JOB_NAME", "smtk-it-" + name);
      env.put("LANG", "C.UTF-8");
      env.put("PYTHONDONTWRITEBYTECODE", "1");
    }

    Job withoutSshConfig() {
      env.remove("SMTK_SSH_CONFIG");
      return this;
    }

    Job withEnv(Map<String, String> extra) {
      env.putAll(extra);
      return this;
    }

    // bin/smtk has only the toolkit's jars on its class path; a test framework entry needs the
    // test classes, so the toolkit's main class is started directly with them.
    Job withTestClassPath() {
      testClassPath = true;
      return this;
    }

    Path base(int host) {
      return cluster.baseDir(host);
    }

    Job start() throws IOException {
      for (int host = 1; host <= cluster.size(); host++) {
        Map<String, String> hostEnv = new HashMap<>(env);
        hostEnv.put("SAGEMAKER_BASE_DIR", base(host).toString());
        Process process = cluster.start(host, command(), hostEnv, out(host), err(host));
        long[] exit = new long[] {0, 0};
        exits.add(exit);
        // Recorded when the process ends, not when the test gets round to asking.
        process
            .onExit()
            .thenRun(
                () -> {
                  synchronized (exit) {
                    exit[0] = System.nanoTime();
                    exit[1] = System.currentTimeMillis();
                  }
                });
        processes.add(process);
      }
      return this;
    }

    private List<String> command() {
      if (!testClassPath) {
        return List.of(smtk.toString(), "train");
      }
      Path core = smtk.getParent().getParent().resolve("toolkit-core/target");
      List<String> classPath = new ArrayList<>();
      try {
        classPath.add(
            Paths.get(
                    PyTorchRunnerEntry.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString());
      } catch (java.net.URISyntaxException e) {
        throw new IllegalStateException(e);
      }
      classPath.add(core.resolve("classes").toString());
      File[] libs = core.resolve("lib").toFile().listFiles();
      if (libs != null) {
        for (File lib : libs) {
          classPath.add(lib.getPath());
        }
      }
      return List.of(
          Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-cp",
          String.join(File.pathSeparator, classPath),
          "io.smtk.cli.Main",
          "train");
    }

    List<Run> await() throws Exception {
      long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
      List<Run> runs = new ArrayList<>();
      for (int i = 0; i < processes.size(); i++) {
        Process process = processes.get(i);
        long left = deadline - System.nanoTime();
        if (!process.waitFor(Math.max(left, 0), TimeUnit.NANOSECONDS)) {
          throw new AssertionError(
              "algo-" + (i + 1) + " did not finish within " + JOB_TIMEOUT + "; " + describe());
        }
        process.onExit().get(10, TimeUnit.SECONDS);
        long[] exit = exits.get(i);
        long nanos;
        long millis;
        synchronized (exit) {
          nanos = exit[0];
          millis = exit[1];
        }
        runs.add(
            new Run(i + 1, process.exitValue(), nanos, millis, read(out(i + 1)), read(err(i + 1))));
      }
      return runs;
    }

    void awaitOutput(int host, String text, Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!read(out(host)).contains(text)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("algo-" + host + " never printed '" + text + "'; " + describe());
        }
        if (!processes.get(host - 1).isAlive()) {
          throw new AssertionError(
              "algo-" + host + " ended before printing '" + text + "'; " + describe());
        }
        Thread.sleep(100);
      }
    }

    String failure(int host) throws IOException {
      Path failure = base(host).resolve("output/failure");
      assertThat(failure).as("failure file of algo-%d; %s", host, describe()).exists();
      return Files.readString(failure, StandardCharsets.UTF_8);
    }

    String describe() {
      StringBuilder text = new StringBuilder("job ").append(name);
      for (int host = 1; host <= cluster.size(); host++) {
        text.append("\n===== algo-")
            .append(host)
            .append(" stdout =====\n")
            .append(read(out(host)))
            .append("\n===== algo-")
            .append(host)
            .append(" stderr =====\n")
            .append(read(err(host)));
      }
      return text.toString();
    }

    private Path out(int host) {
      return cluster.workDir().resolve(name + "-algo-" + host + ".out");
    }

    private Path err(int host) {
      return cluster.workDir().resolve(name + "-algo-" + host + ".err");
    }

    private static String read(Path file) {
      try {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
      } catch (IOException e) {
        return "(cannot read " + file + ": " + e + ")";
      }
    }
  }
}
