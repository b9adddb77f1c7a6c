package io.smtk.distributed.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtk.distributed.cluster.HostUnreachableException;
import io.smtk.distributed.cluster.JobProcesses;
import io.smtk.distributed.control.ControlMessages.Session;
import io.smtk.logging.ToolkitLog;
import io.smtk.process.SignalForwarder;
import io.smtk.process.TrainingStoppedException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tests for {@link ControlServer} and {@link ControlClient} together, over the loopback interface
 * ("localhost" plays the worker), and against {@link RoguePeer}s that do not hold the job's key or
 * break the protocol.
 */
@Timeout(60)
class ControlChannelTest {

  private static final JobProcesses NEVER_STOPPED =
      (command, dir, env, transformer) -> {
        throw new AssertionError("no process runs here");
      };
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtleWtleWtleWtleWtleWtleWtleWtleWtleWtleWtl smtk-job";
  private static final String HOST_KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGhvc3Rob3N0aG9zdGhvc3Rob3N0aG9zdGhvc3Rob3N0 smtk-host";
  private static final ChannelKey JOB = ChannelKey.fromSecret("s3cret", "job1", "localhost");
  private static final ChannelKey OTHER_JOB = ChannelKey.fromSecret("s3cret", "job2", "localhost");
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  private final ToolkitLog log =
      ToolkitLog.to(new PrintStream(logged, true, StandardCharsets.UTF_8));

  @Test
  void finish_readyWorker_receivesKeyAndOutcome() throws Exception {
    try (ControlServer server = open(JOB, KEY)) {
      CompletableFuture<JobOutcome> worker = worker(server, JOB, HOST_KEY);

      Map<String, String> hostKeys = server.awaitReady(TIMEOUT, NEVER_STOPPED);
      JobOutcome outcome = new JobOutcome(1, "localhost", 3, "rank 3 failed", "Traceback\nboom");
      server.finish(outcome);

      assertThat(hostKeys).containsExactly(Map.entry("localhost", HOST_KEY));
      assertThat(worker.get(10, TimeUnit.SECONDS)).isEqualTo(outcome);
      assertThat(server.internalErrors()).isZero();
    }
  }

  @Test
  void connect_masterOfAnotherJob_workerRejectsItAndNamesWhy() throws Exception {
    try (ControlServer server = open(OTHER_JOB, KEY)) {
      assertThatThrownBy(
              () ->
                  ControlClient.connect(
                      "localhost",
                      server.port(),
                      JOB,
                      "localhost",
                      Duration.ofSeconds(2),
                      NEVER_STOPPED,
                      log))
          .isInstanceOf(HostUnreachableException.class)
          .hasMessageContaining("did not answer on its control port")
          .hasMessageContaining("does not hold the job's key");
      assertThat(logged()).contains("Rejected the peer answering for the master localhost");
    }
  }

  @Test
  void awaitReady_peerWithoutTheKey_isRejectedAndTheRealWorkerStillRegisters() throws Exception {
    try (ControlServer server = open(JOB, KEY)) {
      try (Socket rogue = RoguePeer.connect("localhost", server.port())) {
        LineReader in = new LineReader(rogue);
        RoguePeer.write(rogue, ControlMessages.hello("localhost", ControlMessages.nonce()));
        RoguePeer.line(in); // the master's challenge
        RoguePeer.write(rogue, ControlMessages.proofMessage("0".repeat(64)));

        assertThat(RoguePeer.outcome(in)).startsWith("closed");
      }
      CompletableFuture<JobOutcome> worker = worker(server, JOB, HOST_KEY);

      assertThat(server.awaitReady(TIMEOUT, NEVER_STOPPED)).containsKey("localhost");
      server.finish(JobOutcome.success());
      assertThat(worker.get(10, TimeUnit.SECONDS).succeeded()).isTrue();
      assertThat(logged()).contains("does not hold the job's key (failed authentication");
    }
  }

  @Test
  void serve_fakeWorkerSpeaksTheOldProtocol_getsNoKeyAndCannotReportReady() throws Exception {
    try (ControlServer server = open(JOB, KEY)) {
      try (Socket rogue = RoguePeer.connect("localhost", server.port())) {
        RoguePeer.write(rogue, "HELLO SMTK1 0123456789abcdef localhost");
        RoguePeer.write(rogue, "READY -");

        assertThat(RoguePeer.outcome(new LineReader(rogue))).startsWith("closed");
      }

      assertThatThrownBy(() -> server.awaitReady(Duration.ofMillis(500), NEVER_STOPPED))
          .isInstanceOf(HostUnreachableException.class)
          .hasMessageContaining("speaks control protocol 'SMTK1'");
    }
  }

  @Test
  void serve_unauthenticatedReadyGarbage_isRejectedWithoutHarm() throws Exception {
    try (ControlServer server = open(JOB, KEY)) {
      try (Socket rogue = RoguePeer.connect("localhost", server.port())) {
        RoguePeer.write(rogue, "READY garbage");

        assertThat(RoguePeer.outcome(new LineReader(rogue))).startsWith("closed");
      }
      CompletableFuture<JobOutcome> worker = worker(server, JOB, HOST_KEY);

      assertThat(server.awaitReady(TIMEOUT, NEVER_STOPPED)).containsKey("localhost");
      server.finish(JobOutcome.success());
      worker.get(10, TimeUnit.SECONDS);
      assertThat(server.internalErrors()).isZero();
      assertThat(logged()).contains("where HELLO with 3 fields belongs");
    }
  }

  @Test
  void serve_oversizedLine_isCutOffAtTheLimit() throws Exception {
    try (ControlServer server = open(JOB, KEY);
        Socket rogue = RoguePeer.connect("localhost", server.port())) {
      String result = RoguePeer.sendUntilClosed(rogue, 256L << 20);

      assertThat(result).startsWith("cut off after");
      assertThat(logged())
          .contains(
              "longer than "
                  + ControlMessages.MAX_HANDSHAKE_BYTES
                  + " bytes, the most this message");
    }
  }

  @Test
  void serve_slowSender_isCutOffAtTheHandshakeDeadline() throws Exception {
    try (ControlServer server = open(JOB, KEY, Duration.ofSeconds(1));
        Socket rogue = RoguePeer.connect("localhost", server.port())) {
      // One byte of HELLO every 100 ms: every read succeeds, the message never completes.
      Thread trickle =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 600; i++) {
                    rogue.getOutputStream().write('H');
                    Thread.sleep(100);
                  }
                } catch (Exception e) {
                  // Cut off: what the test expects.
                }
              });
      trickle.start();

      assertThat(RoguePeer.outcome(new LineReader(rogue))).startsWith("closed");
      trickle.interrupt();
      trickle.join();
      assertThat(logged()).contains("it sent part of a message and not the rest in time");
    }
  }

  @Test
  void serve_connectionFlood_onlyAFewWaitAtOnceAndTheWorkerGetsInAfterThem() throws Exception {
    int flooded = 3 * ControlServer.MAX_PENDING_PER_ADDRESS;
    try (ControlServer server = open(JOB, KEY, Duration.ofSeconds(5))) {
      List<Socket> flood = new ArrayList<>();
      try {
        for (int i = 0; i < flooded; i++) {
          flood.add(RoguePeer.connect("localhost", server.port()));
        }
        CompletableFuture<JobOutcome> worker = worker(server, JOB, HOST_KEY);

        assertThat(server.awaitReady(TIMEOUT, NEVER_STOPPED)).containsKey("localhost");
        server.finish(JobOutcome.success());
        worker.get(10, TimeUnit.SECONDS);
        assertThat(
                logged().split("too many of its connections are authenticating at once", -1).length
                    - 1)
            .as("connections turned away at once")
            .isGreaterThanOrEqualTo(flooded - ControlServer.MAX_PENDING_PER_ADDRESS);
      } finally {
        for (Socket socket : flood) {
          socket.close();
        }
      }
    }
  }

  @Test
  void awaitReady_authenticatedWorkerSendsMalformedReady_failsNamingItAndTheEndReachesIt()
      throws Exception {
    try (ControlServer server = open(JOB, KEY);
        Socket rogue = RoguePeer.connect("localhost", server.port())) {
      LineReader in = new LineReader(rogue);
      Session session = RoguePeer.workerHandshake(rogue, in, JOB, "localhost");
      RoguePeer.write(rogue, session.seal("READY garbage"));

      assertThatThrownBy(() -> server.awaitReady(TIMEOUT, NEVER_STOPPED))
          .isInstanceOf(ControlProtocolException.class)
          .hasMessageContaining("Worker localhost broke the job control protocol")
          .hasMessageContaining("malformed READY");
      server.finish(new JobOutcome(1, "algo-1", -1, "the master could not start the job", ""));
      String end = session.open(nextNonPing(in, session));
      assertThat(JobOutcome.decode(end.substring("END ".length())).summary())
          .isEqualTo("the master could not start the job");
    }
  }

  @Test
  void awaitReady_messageWithAForgedCode_failsTheJob() throws Exception {
    try (ControlServer server = open(JOB, KEY);
        Socket rogue = RoguePeer.connect("localhost", server.port())) {
      LineReader in = new LineReader(rogue);
      RoguePeer.workerHandshake(rogue, in, JOB, "localhost");
      RoguePeer.write(rogue, "READY - " + "0".repeat(32));

      assertThatThrownBy(() -> server.awaitReady(TIMEOUT, NEVER_STOPPED))
          .isInstanceOf(ControlProtocolException.class)
          .hasMessageContaining("authentication code does not verify");
    }
  }

  @Test
  void awaitEnd_forgedEnd_failsTheWorkerInsteadOfEndingTheJob() throws Exception {
    try (ServerSocket master = new ServerSocket(0, 50, LOOPBACK)) {
      CompletableFuture<Void> fake =
          CompletableFuture.runAsync(
              () -> {
                try (Socket socket = master.accept()) {
                  LineReader in = new LineReader(socket);
                  Session session = RoguePeer.masterHandshake(socket, in, JOB);
                  RoguePeer.write(socket, session.seal("KEY -"));
                  RoguePeer.line(in); // READY
                  // A third party's END: right text, no valid code.
                  RoguePeer.write(socket, "END 0 -1 ZmFrZQ== ZmFrZQ== ZmFrZQ== " + "f".repeat(32));
                  RoguePeer.outcome(in);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      try (ControlClient client =
          ControlClient.connect(
              "localhost", master.getLocalPort(), JOB, "localhost", TIMEOUT, NEVER_STOPPED, log)) {
        client.ready(null);

        assertThatThrownBy(() -> client.awaitEnd(TIMEOUT, NEVER_STOPPED))
            .isInstanceOf(ControlProtocolException.class)
            .hasMessageContaining("The master localhost broke the job control protocol")
            .hasMessageContaining("does not verify");
      }
      fake.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void connect_fakeMasterThenTheRealOne_trustsOnlyTheRealOne() throws Exception {
    ServerSocket fake = new ServerSocket(0, 50, LOOPBACK);
    int port = fake.getLocalPort();
    // The fake answers as the old protocol's master did: its key, then "the job succeeded".
    CompletableFuture<Integer> answered =
        CompletableFuture.supplyAsync(
            () -> {
              int count = 0;
              try (fake) {
                fake.setSoTimeout(3000);
                while (count < 2) {
                  try (Socket socket = fake.accept()) {
                    RoguePeer.line(new LineReader(socket));
                    RoguePeer.write(socket, "KEY " + RoguePeer.ATTACKER_KEY);
                    RoguePeer.write(socket, "END 0 -1 ZmFrZQ== ZmFrZQ== ZmFrZQ==");
                    count++;
                  }
                }
              } catch (Exception e) {
                // The fake's time is over.
              }
              return count;
            });
    CompletableFuture<ControlClient> connecting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return ControlClient.connect(
                    "localhost",
                    port,
                    JOB,
                    "localhost",
                    Duration.ofSeconds(30),
                    NEVER_STOPPED,
                    log);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(answered.get(30, TimeUnit.SECONDS)).isEqualTo(2);

    try (ControlServer server =
            ControlServer.open(LOOPBACK, port, JOB, List.of("localhost"), KEY, TIMEOUT, log);
        ControlClient client = connecting.get(30, TimeUnit.SECONDS)) {
      client.ready(HOST_KEY);
      server.awaitReady(TIMEOUT, NEVER_STOPPED);
      server.finish(JobOutcome.success());

      assertThat(client.publicKey()).isEqualTo(KEY);
      assertThat(client.awaitEnd(TIMEOUT, NEVER_STOPPED).succeeded()).isTrue();
      assertThat(logged()).contains("Rejected the peer answering for the master localhost");
    }
  }

  @Test
  void awaitReady_workerNeverComes_namesHost() throws Exception {
    try (ControlServer server = open(JOB, null)) {
      assertThatThrownBy(() -> server.awaitReady(Duration.ofMillis(300), NEVER_STOPPED))
          .isInstanceOf(HostUnreachableException.class)
          .hasMessageContaining("Worker host localhost did not report ready within 0 s")
          .hasMessageContaining("SMTK_STARTUP_TIMEOUT_SECONDS");
    }
  }

  @Test
  void awaitReady_stopRequested_throwsStopped() throws Exception {
    SignalForwarder signals = SignalForwarder.create();
    signals.forward(SignalForwarder.SIGTERM);
    JobProcesses stopped = stoppedBy(signals);
    try (ControlServer server = open(JOB, null)) {
      assertThatThrownBy(() -> server.awaitReady(Duration.ofMinutes(10), stopped))
          .isInstanceOf(TrainingStoppedException.class);
    }
  }

  @Test
  void connect_stopRequestedWhileWaitingForTheMaster_throwsStopped() throws Exception {
    SignalForwarder signals = SignalForwarder.create();
    JobProcesses stop = stoppedBy(signals);
    try (ServerSocket silent = new ServerSocket(0, 50, LOOPBACK)) {
      // A master that accepts and never answers: the worker waits in the handshake.
      CompletableFuture<Object> connecting =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return ControlClient.connect(
                      "localhost",
                      silent.getLocalPort(),
                      JOB,
                      "localhost",
                      Duration.ofMinutes(10),
                      stop,
                      log);
                } catch (Exception e) {
                  return e;
                }
              });
      try (Socket accepted = silent.accept()) {
        signals.forward(SignalForwarder.SIGTERM);

        assertThat(connecting.get(30, TimeUnit.SECONDS))
            .isInstanceOf(TrainingStoppedException.class);
      }
    }
  }

  @Test
  void onLost_workerClosesMidJob_reportsHost() throws Exception {
    try (ControlServer server = open(JOB, KEY)) {
      CompletableFuture<String> lost = new CompletableFuture<>();
      server.onLost((host, reason) -> lost.complete(host + ": " + reason));
      ControlClient client =
          ControlClient.connect(
              "localhost", server.port(), JOB, "localhost", TIMEOUT, NEVER_STOPPED, log);
      client.ready(null);
      server.awaitReady(TIMEOUT, NEVER_STOPPED);

      client.close();

      assertThat(lost.get(10, TimeUnit.SECONDS))
          .isEqualTo("localhost: its toolkit closed the control connection");
    }
  }

  @Test
  void awaitEnd_masterSilent_failsAfterPeerTimeout() throws Exception {
    ControlServer server = open(JOB, KEY);
    try (ControlClient client =
        ControlClient.connect(
            "localhost", server.port(), JOB, "localhost", TIMEOUT, NEVER_STOPPED, log)) {
      client.ready(null);
      server.awaitReady(TIMEOUT, NEVER_STOPPED);
      server.close(); // the master's toolkit dies: its sockets close

      assertThatThrownBy(() -> client.awaitEnd(Duration.ofSeconds(3), NEVER_STOPPED))
          .isInstanceOf(HostUnreachableException.class)
          .hasMessageStartingWith("Lost contact with the master localhost: ");
    }
  }

  @Test
  void connect_noMaster_failsNamingMasterAndPort() {
    assertThatThrownBy(
            () ->
                ControlClient.connect(
                    "localhost", 1, JOB, "localhost", Duration.ofMillis(200), NEVER_STOPPED, log))
        .isInstanceOf(HostUnreachableException.class)
        .hasMessageContaining(
            "The master localhost did not answer on its control port 1 as the job's master within 0 s");
  }

  private ControlServer open(ChannelKey key, String publicKey) throws Exception {
    return ControlServer.open(LOOPBACK, 0, key, List.of("localhost"), publicKey, TIMEOUT, log);
  }

  private ControlServer open(ChannelKey key, String publicKey, Duration handshake)
      throws Exception {
    return ControlServer.open(
        LOOPBACK, 0, key, List.of("localhost"), publicKey, TIMEOUT, handshake, log);
  }

  private CompletableFuture<JobOutcome> worker(
      ControlServer server, ChannelKey key, String hostKey) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (ControlClient client =
              ControlClient.connect(
                  "localhost", server.port(), key, "localhost", TIMEOUT, NEVER_STOPPED, log)) {
            assertThat(client.publicKey()).isEqualTo(KEY);
            client.ready(hostKey);
            return client.awaitEnd(TIMEOUT, NEVER_STOPPED);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static String nextNonPing(LineReader in, Session session) throws Exception {
    while (true) {
      String line = RoguePeer.line(in);
      if (!line.startsWith("PING ")) {
        return line;
      }
      session.open(line);
    }
  }

  private static JobProcesses stoppedBy(SignalForwarder signals) {
    return new JobProcesses() {
      @Override
      public io.smtk.process.ProcessResult run(
          List<String> command,
          java.nio.file.Path workingDirectory,
          Map<String, String> environment,
          io.smtk.process.LineTransformer lineTransformer) {
        throw new AssertionError("no process runs here");
      }

      @Override
      public void checkStopped() throws TrainingStoppedException {
        signals.checkStopped("");
      }
    };
  }

  private String logged() {
    return logged.toString(StandardCharsets.UTF_8);
  }
}
