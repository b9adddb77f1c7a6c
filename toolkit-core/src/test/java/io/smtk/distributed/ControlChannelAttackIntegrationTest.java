package io.smtk.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.distributed.control.RoguePeer;
import io.smtk.testing.JobTree;
import io.smtk.testing.NamespaceJobs;
import io.smtk.testing.NamespaceJobs.HostResult;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The attacks of issue 13 on the job control channel, each in network namespaces like the
 * distributed tests: {@link RoguePeer}s on the job's network (a host that is not part of the job,
 * and the worker's own address before the worker starts) against a real MPI job run by {@code
 * bin/smtk train} on every host. A peer that does not hold the job's key changes nothing; one that
 * does and breaks the protocol fails the job on every host.
 */
class ControlChannelAttackIntegrationTest {

  private static final Duration JOB_TIMEOUT = Duration.ofSeconds(180);
  private static final String PORT = "7591";
  private static final Map<Process, Path> LOGS = new ConcurrentHashMap<>();
  private static final String HYPERPARAMETERS =
      "{\"sagemaker_program\": \"\\\"train.py\\\"\", \"sagemaker_mpi_enabled\": \"true\","
          + " \"sagemaker_mpi_num_of_processes_per_host\": \"1\"}";
  // Needs no mpi4py: mpirun tells each rank who it is.
  private static final String TRAIN =
      "import os, socket\n"
          + "print('rank %s of %s ran on %s' % (os.environ['OMPI_COMM_WORLD_RANK'],"
          + " os.environ['OMPI_COMM_WORLD_SIZE'], socket.gethostname()), flush=True)\n";

  @BeforeAll
  static void requireHosts() {
    Optional<String> missing =
        Files.isExecutable(Paths.get("/usr/bin/mpirun"))
            ? Optional.empty()
            : Optional.of("/usr/bin/mpirun is missing (run .ci/install-system-packages.sh)");
    NetnsCluster.requireAvailable(missing);
  }

  @Test
  @Timeout(300)
  void train_peersWithoutTheKeyAttackTheMaster_changeNothingAndTheJobSucceeds() throws Exception {
    try (NetnsCluster cluster = NetnsCluster.start(3)) {
      NamespaceJobs job =
          NamespaceJobs.layOut(cluster, 2, HYPERPARAMETERS, Map.of("train.py", TRAIN));
      Map<String, String> env = env(cluster, "attacked");
      NamespaceJobs.Host master = job.start(1, env);
      master.awaitOutput("Waiting for workers [algo-2]", JOB_TIMEOUT);

      // algo-3 is on the job's network but not in the job; the battery comes from the worker's own
      // address, before the real worker starts.
      Process flood = rogue(cluster, 3, "flood", cluster.address(1), PORT, "50", "3");
      Process battery = rogue(cluster, 2, "battery", cluster.address(1), PORT, "algo-2");
      String floodOutput = finish(flood);
      String batteryOutput = finish(battery);
      NamespaceJobs.Host worker = job.start(2, env);
      HostResult masterResult = master.await(JOB_TIMEOUT);
      HostResult workerResult = worker.await(JOB_TIMEOUT);
      // What each attack got, for the record (failsafe keeps it in the test's output).
      System.out.println(floodOutput + batteryOutput);

      assertThat(masterResult.exitCode()).as(masterResult.output()).isZero();
      assertThat(workerResult.exitCode()).as(workerResult.output()).isZero();
      assertThat(job.tree(2).success()).exists();
      assertThat(masterResult.output())
          .contains("rank 0 of 2 ran on algo-1", "rank 1 of 2 ran on algo-2");
      assertThat(floodOutput)
          .as("flood")
          .contains("50 connected, 0 refused, 50 closed by the master");
      assertThat(batteryOutput)
          .as("battery")
          .contains("after a wrong proof: closed")
          .contains("old protocol: closed")
          .contains("unauthenticated READY garbage: closed")
          .containsPattern("oversized line: cut off after \\d+ of 67108864 bytes")
          .contains("slow sender: ");
      assertThat(masterResult.output())
          .contains(
              "Rejected a control connection from " + cluster.address(3) + ": not the address")
          .contains("does not hold the job's key (failed authentication; no SMTK_JOB_SECRET)")
          .contains("speaks control protocol 'SMTK1'")
          .contains("where HELLO with 3 fields belongs")
          .contains("longer than 1024 bytes")
          .contains("it sent part of a message and not the rest in time");
    }
  }

  @Test
  @Timeout(300)
  void train_fakeMasterAnswersBeforeTheRealOne_workerTrustsAndAuthorizesOnlyTheRealMaster()
      throws Exception {
    try (NetnsCluster cluster = NetnsCluster.start(2)) {
      // The worker starts its own sshd, whose authorized keys the fake master is after.
      ProcessHandle.of(cluster.sshdPids().get(1)).ifPresent(ProcessHandle::destroy);
      ProcessHandle.of(cluster.sshdPids().get(1)).ifPresent(handle -> handle.onExit().join());
      NamespaceJobs job =
          NamespaceJobs.layOut(cluster, 2, HYPERPARAMETERS, Map.of("train.py", TRAIN));
      Map<String, String> env = env(cluster, "fakemaster");
      env.remove("SMTK_SSH_CONFIG");
      Path fakeLog = cluster.workDir().resolve("fake-master.log");
      Process fake = startRogue(cluster, 1, fakeLog, "fake-master", cluster.address(1), PORT, "8");
      awaitFile(fakeLog, "fake master listening");

      NamespaceJobs.Host worker = job.start(2, env);
      awaitFile(fakeLog, "fake master answered (forged challenge)");
      String fakeOutput = finish(fake);
      assertThat(worker.output())
          .as("the worker is still waiting for its master after the fake's END 0")
          .contains("Rejected the peer answering for the master algo-1")
          .doesNotContain("Reporting training SUCCESS");
      NamespaceJobs.Host master = job.start(1, env);
      HostResult masterResult = master.await(JOB_TIMEOUT);
      HostResult workerResult = worker.await(JOB_TIMEOUT);

      assertThat(masterResult.exitCode()).as(masterResult.output()).isZero();
      assertThat(workerResult.exitCode()).as(workerResult.output()).isZero();
      assertThat(masterResult.output()).contains("rank 1 of 2 ran on algo-2");
      assertThat(fakeOutput).contains("(old protocol)", "(forged challenge)");
      assertThat(workerResult.output())
          .contains("does not hold the job's key")
          .containsOnlyOnce("Authorized the master's SSH key")
          .contains(
              "Authorized the master's SSH key for connections from "
                  + cluster.address(1)
                  + " until the job ends");
    }
  }

  @Test
  @Timeout(300)
  void train_onlyAFakeMasterAnswers_workerFailsNamingItAndWritesNoSuccess() throws Exception {
    try (NetnsCluster cluster = NetnsCluster.start(2)) {
      NamespaceJobs job =
          NamespaceJobs.layOut(cluster, 2, HYPERPARAMETERS, Map.of("train.py", TRAIN));
      Map<String, String> env = env(cluster, "onlyfake");
      env.put("SMTK_STARTUP_TIMEOUT_SECONDS", "6");
      Path fakeLog = cluster.workDir().resolve("fake-master.log");
      Process fake = startRogue(cluster, 1, fakeLog, "fake-master", cluster.address(1), PORT, "60");
      awaitFile(fakeLog, "fake master listening");

      HostResult worker = job.start(2, env).await(JOB_TIMEOUT);
      fake.destroy();
      fake.waitFor(10, TimeUnit.SECONDS);

      assertThat(worker.exitCode()).as(worker.output()).isNotZero();
      assertThat(job.tree(2).success()).doesNotExist();
      assertThat(Files.readString(job.tree(2).failure()))
          .contains("did not answer on its control port 7591 as the job's master")
          .contains("does not hold the job's key");
    }
  }

  @Test
  @Timeout(300)
  void train_authenticatedPeerSendsMalformedReady_everyHostFailsWithTheReason() throws Exception {
    try (NetnsCluster cluster = NetnsCluster.start(3)) {
      NamespaceJobs job =
          NamespaceJobs.layOut(cluster, 3, HYPERPARAMETERS, Map.of("train.py", TRAIN));
      Map<String, String> env = env(cluster, "malformed");
      env.put("SMTK_JOB_SECRET", "a secret every host of the job shares");
      NamespaceJobs.Host master = job.start(1, env);
      NamespaceJobs.Host worker = job.start(2, env);
      master.awaitOutput("Worker algo-2 available for communication", JOB_TIMEOUT);

      // algo-3 holds the key (it is configured as a host of the job) but sends a malformed READY.
      Map<String, String> rogueEnv = new HashMap<>(env);
      rogueEnv.put("SAGEMAKER_BASE_DIR", cluster.baseDir(3).toString());
      Path rogueLog = cluster.workDir().resolve("rogue.log");
      Process rogue =
          cluster.start(
              3,
              javaMain(
                  "authenticated-malformed-ready", cluster.hostname(1), PORT, cluster.hostname(3)),
              rogueEnv,
              rogueLog,
              rogueLog);
      HostResult masterResult = master.await(JOB_TIMEOUT);
      HostResult workerResult = worker.await(JOB_TIMEOUT);
      String rogueOutput = finish(rogue, rogueLog);

      assertThat(rogueOutput).contains("authenticated as algo-3", "sent READY garbage");
      assertThat(masterResult.exitCode()).as(masterResult.output()).isNotZero();
      assertThat(workerResult.exitCode()).as(workerResult.output()).isNotZero();
      assertThat(Files.readString(job.tree(1).failure()))
          .contains("Worker algo-3 broke the job control protocol")
          .contains("malformed READY");
      assertThat(Files.readString(job.tree(2).failure()))
          .contains("reported by the master algo-1")
          .contains("Worker algo-3 broke the job control protocol");
    }
  }

  @Test
  @Timeout(300)
  void train_stoppedWhileTheHostsWaitForEachOther_exit143WithTheStoppedFailureFile()
      throws Exception {
    try (NetnsCluster cluster = NetnsCluster.start(2)) {
      NamespaceJobs job =
          NamespaceJobs.layOut(cluster, 2, HYPERPARAMETERS, Map.of("train.py", TRAIN));
      Map<String, String> env = env(cluster, "stopped");

      // Each alone, so each waits for the other until StopTrainingJob's SIGTERM.
      NamespaceJobs.Host worker = job.start(2, env);
      worker.awaitOutput("Waiting for the master algo-1 to open its control port", JOB_TIMEOUT);
      worker.stop();
      HostResult workerResult = worker.await(JOB_TIMEOUT);
      NamespaceJobs.Host master = job.start(1, env);
      master.awaitOutput("Waiting for workers [algo-2]", JOB_TIMEOUT);
      master.stop();
      HostResult masterResult = master.await(JOB_TIMEOUT);

      assertThat(workerResult.exitCode()).as(workerResult.output()).isEqualTo(143);
      assertThat(masterResult.exitCode()).as(masterResult.output()).isEqualTo(143);
      assertThat(Files.readString(job.tree(2).failure()))
          .startsWith("Training stopped: the toolkit received SIGTERM");
      assertThat(Files.readString(job.tree(1).failure()))
          .startsWith("Training stopped: the toolkit received SIGTERM");
    }
  }

  private static Map<String, String> env(NetnsCluster cluster, String name) {
    Map<String, String> env = new HashMap<>();
    env.put("SMTK_PYTHON", "/usr/bin/python3");
    env.put("SMTK_SSH_CONFIG", cluster.sshConfig().toString());
    env.put("TRAINING_JOB_NAME", "smtk-attack-" + name);
    env.put("SMTK_CONTROL_PORT", PORT);
    return env;
  }

  private static Process rogue(NetnsCluster cluster, int host, String... args) throws IOException {
    Path log = Files.createTempFile(cluster.workDir(), "rogue-", ".log");
    return startRogue(cluster, host, log, args);
  }

  private static Process startRogue(NetnsCluster cluster, int host, Path log, String... args)
      throws IOException {
    Process process = cluster.start(host, javaMain(args), Map.of(), log, log);
    LOGS.put(process, log);
    return process;
  }

  private static String finish(Process rogue) throws Exception {
    return finish(rogue, LOGS.get(rogue));
  }

  private static String finish(Process rogue, Path log) throws Exception {
    if (!rogue.waitFor(120, TimeUnit.SECONDS)) {
      rogue.destroyForcibly();
      throw new AssertionError("the rogue peer did not finish:\n" + read(log));
    }
    return read(log);
  }

  private static void awaitFile(Path log, String text) throws Exception {
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    while (!read(log).contains(text)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never saw '" + text + "' in " + log + ":\n" + read(log));
      }
      Thread.sleep(50);
    }
  }

  private static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  /** A JVM that runs {@link RoguePeer} with the test classes and the toolkit's. */
  private static List<String> javaMain(String... args) {
    Path core = JobTree.projectRoot().resolve("toolkit-core/target");
    List<String> classPath = new ArrayList<>();
    try {
      classPath.add(
          Paths.get(RoguePeer.class.getProtectionDomain().getCodeSource().getLocation().toURI())
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
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp"));
    command.add(String.join(File.pathSeparator, classPath));
    command.add(RoguePeer.class.getName());
    command.addAll(List.of(args));
    return command;
  }
}
