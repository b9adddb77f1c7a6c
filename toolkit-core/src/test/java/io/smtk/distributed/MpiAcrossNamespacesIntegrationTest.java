package io.smtk.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtk.distributed.cluster.LaunchPlan;
import io.smtk.distributed.mpi.MpiCommand;
import io.smtk.launch.EntryPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link MpiCommand} and {@link NetnsCluster} together: real OpenMPI over real sshd
 * across hosts in network namespaces. Needs root and {@code ip netns}; fails in CI and skips
 * elsewhere when they are missing.
 */
class MpiAcrossNamespacesIntegrationTest {

  private static final String PYTHON = "/usr/bin/python3";
  private static final Duration MPIRUN_TIMEOUT = Duration.ofSeconds(120);

  // Every rank contributes rank + 1, so the sum over N ranks is N(N+1)/2.
  private static final String ALLREDUCE =
      String.join(
          "\n",
          "import os, socket",
          "from mpi4py import MPI",
          "comm = MPI.COMM_WORLD",
          "rank, size = comm.Get_rank(), comm.Get_size()",
          "total = comm.allreduce(rank + 1, op=MPI.SUM)",
          "import sys",
          "# One write per line: with PYTHONUNBUFFERED, print() writes the text and the newline",
          "# separately, and mpirun --tag-output then tags the lone newline as a line of its own.",
          "sys.stdout.write('rank=%d size=%d host=%s uts=%s sum=%d tag=%s base=%s\\n' % (rank, size,",
          "      socket.gethostname(), os.uname().nodename, total, os.environ.get('SM_TEST_TAG'),",
          "      os.environ.get('SAGEMAKER_BASE_DIR')))",
          "sys.stdout.flush()",
          "");

  private static final Pattern RANK_LINE =
      Pattern.compile(
          "^\\[\\d+,(\\d+)\\]<stdout>:rank=(\\d+) size=(\\d+) host=(\\S+) uts=(\\S+) sum=(\\d+)"
              + " tag=(\\S+) base=(\\S+)$",
          Pattern.MULTILINE);

  @TempDir static Path shimDir;
  private static Path shim;

  @BeforeAll
  static void requireHostsAndBuildShim() throws Exception {
    NetnsCluster.requireAvailable(missingTools());
    Path source = findUp("images/src/main/native/gethostname.c");
    shim = shimDir.resolve("libsmtkhostname.so");
    Process gcc =
        new ProcessBuilder(
                "gcc",
                "-O2",
                "-fPIC",
                "-shared",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-D_GNU_SOURCE",
                "-o",
                shim.toString(),
                source.toString(),
                "-ldl")
            .redirectErrorStream(true)
            .start();
    String output = new String(gcc.getInputStream().readAllBytes());
    assertThat(gcc.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(gcc.exitValue()).as("gcc: %s", output).isZero();
  }

  @Test
  @Timeout(300)
  void mpirun_twoHostsTwoSlotsEach_everyRankTaggedAndSumCorrect() throws Exception {
    try (NetnsCluster cluster = NetnsCluster.start(2)) {
      NetnsCluster.ExecResult result = runAllreduce(cluster, 2);

      assertRanks(result, 2, 2);
    }
  }

  @Test
  @Timeout(300)
  void mpirun_threeHostsOneSlotEach_everyRankTaggedAndSumCorrect() throws Exception {
    try (NetnsCluster cluster = NetnsCluster.start(3)) {
      NetnsCluster.ExecResult result = runAllreduce(cluster, 1);

      assertRanks(result, 3, 1);
    }
  }

  @Test
  @Timeout(120)
  void close_afterSuccess_removesNamespacesSshdsAndFiles() throws Exception {
    NetnsCluster cluster = NetnsCluster.start(2);
    List<String> namespaces = cluster.namespaces();
    List<Long> pids = cluster.sshdPids();
    Path workDir = cluster.workDir();
    Process sleeper =
        cluster.start(
            2,
            List.of("sleep", "600"),
            Map.of(),
            workDir.resolve("sleep.out"),
            workDir.resolve("sleep.err"));

    cluster.close();

    assertCleanedUp(cluster.prefix(), namespaces, pids, workDir);
    assertThat(sleeper.isAlive()).as("a process started in a host is ended").isFalse();
  }

  @Test
  @Timeout(120)
  void close_afterFailingBody_removesNamespacesSshdsAndFiles() throws Exception {
    List<String> namespaces = new ArrayList<>();
    List<Long> pids = new ArrayList<>();
    Path[] workDir = new Path[1];
    String[] prefix = new String[1];

    assertThatThrownBy(
            () -> {
              try (NetnsCluster cluster = NetnsCluster.start(3)) {
                namespaces.addAll(cluster.namespaces());
                pids.addAll(cluster.sshdPids());
                workDir[0] = cluster.workDir();
                prefix[0] = cluster.prefix();
                throw new IllegalStateException("test body failed");
              }
            })
        .hasMessage("test body failed");

    assertThat(namespaces).hasSize(3);
    assertCleanedUp(prefix[0], namespaces, pids, workDir[0]);
  }

  private static NetnsCluster.ExecResult runAllreduce(NetnsCluster cluster, int processesPerHost)
      throws Exception {
    Path script = cluster.workDir().resolve("allreduce.py");
    Files.writeString(script, ALLREDUCE);
    List<String> hosts = new ArrayList<>();
    for (int host = 1; host <= cluster.size(); host++) {
      hosts.add(cluster.hostname(host));
      Path config = cluster.baseDir(host).resolve("input/config/resourceconfig.json");
      Files.createDirectories(config.getParent());
      Files.writeString(
          config,
          "{\"current_host\": \"" + shimName(cluster.hostname(host)) + "\", \"hosts\": []}");
    }
    LaunchPlan plan =
        LaunchPlan.builder()
            .hosts(hosts)
            .currentHost("algo-1")
            .processesPerHost(processesPerHost)
            .networkInterface("eth0")
            .instanceType("ml.c5.xlarge")
            // The quoted value is one mpirun argument: the SSH config that reaches the other hosts.
            .customMpiOptions(
                "--NCCL_DEBUG WARN --mca plm_rsh_args \"-F " + cluster.sshConfig() + "\"")
            .forwardedEnvNames(List.of("SM_TEST_TAG"))
            .hostnameShim(shim)
            .python(PYTHON)
            .entryPoint(EntryPoint.Type.PYTHON_PROGRAM, script.toString())
            .build();
    List<String> command = MpiCommand.build(plan);

    NetnsCluster.ExecResult result =
        cluster.run(
            1,
            MPIRUN_TIMEOUT,
            command,
            Map.of(
                "SM_TEST_TAG", "forwarded", "SAGEMAKER_BASE_DIR", cluster.baseDir(1).toString()));

    assertThat(result.exitCode()).as("mpirun: %s\n%s", command, result.describe()).isZero();
    assertThat(result.stdout() + result.stderr()).doesNotContain("cannot be preloaded");
    return result;
  }

  private static void assertRanks(NetnsCluster.ExecResult result, int hosts, int processesPerHost) {
    int size = hosts * processesPerHost;
    int sum = size * (size + 1) / 2;
    List<Integer> seen = new ArrayList<>();
    Matcher matcher = RANK_LINE.matcher(result.stdout());
    while (matcher.find()) {
      int tagRank = Integer.parseInt(matcher.group(1));
      int rank = Integer.parseInt(matcher.group(2));
      int host = rank / processesPerHost + 1;
      String context = "rank " + rank + " in\n" + result.describe();
      assertThat(tagRank).as("the rank tag matches the rank; %s", context).isEqualTo(rank);
      assertThat(matcher.group(3)).as("size; %s", context).isEqualTo(Integer.toString(size));
      assertThat(matcher.group(4))
          .as("gethostname() through the shim, from the host's own resourceconfig; %s", context)
          .isEqualTo(shimName("algo-" + host));
      assertThat(matcher.group(5))
          .as("the kernel's host name; %s", context)
          .isEqualTo("algo-" + host);
      assertThat(matcher.group(6))
          .as("allreduce sum; %s", context)
          .isEqualTo(Integer.toString(sum));
      assertThat(matcher.group(7)).as("-x SM_TEST_TAG; %s", context).isEqualTo("forwarded");
      assertThat(matcher.group(8))
          .as("the host's own SAGEMAKER_BASE_DIR; %s", context)
          .endsWith("/host" + host + "/opt-ml");
      seen.add(rank);
    }
    assertThat(seen).as(result.describe()).containsExactlyInAnyOrderElementsOf(range(size));
  }

  private static void assertCleanedUp(
      String prefix, List<String> namespaces, List<Long> pids, Path workDir) throws Exception {
    Process list = new ProcessBuilder("ip", "netns", "list").start();
    String existing = new String(list.getInputStream().readAllBytes());
    assertThat(list.waitFor(10, TimeUnit.SECONDS)).isTrue();
    for (String namespace : namespaces) {
      assertThat(existing).as("namespaces left").doesNotContain(namespace + " ", namespace + "\n");
      assertThat(Paths.get("/etc/netns", namespace)).doesNotExist();
    }
    assertThat(existing).doesNotContain(prefix + "sw");
    assertThat(Paths.get("/etc/netns", prefix + "sw")).doesNotExist();
    assertThat(pids).isNotEmpty();
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("sshd %d is gone", pid)
          .isFalse();
    }
    assertThat(workDir).doesNotExist();
  }

  // Differs from the kernel's name so the output proves the shim ran in every rank.
  private static String shimName(String hostname) {
    return "shim-" + hostname;
  }

  private static List<Integer> range(int size) {
    List<Integer> ranks = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      ranks.add(i);
    }
    return ranks;
  }

  private static Optional<String> missingTools() throws IOException, InterruptedException {
    for (String program : List.of("/usr/bin/mpirun", "/usr/bin/gcc", PYTHON)) {
      if (!Files.isExecutable(Paths.get(program))) {
        return Optional.of(program + " is missing (run .ci/install-system-packages.sh)");
      }
    }
    Process probe =
        new ProcessBuilder(PYTHON, "-c", "import mpi4py").redirectErrorStream(true).start();
    String output = new String(probe.getInputStream().readAllBytes());
    if (!probe.waitFor(30, TimeUnit.SECONDS) || probe.exitValue() != 0) {
      return Optional.of(PYTHON + " cannot import mpi4py: " + output.strip());
    }
    return Optional.empty();
  }

  private static Path findUp(String relative) {
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve(relative))) {
        return dir.resolve(relative);
      }
    }
    throw new IllegalStateException(
        relative + " not found above " + Paths.get("").toAbsolutePath());
  }
}
