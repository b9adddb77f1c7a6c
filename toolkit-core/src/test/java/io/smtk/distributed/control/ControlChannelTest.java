package io.smtk.distributed.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtk.distributed.cluster.HostUnreachableException;
import io.smtk.distributed.cluster.JobProcesses;
import io.smtk.logging.ToolkitLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tests for {@link ControlServer} and {@link ControlClient} together, over the loopback interface
 * ("localhost" plays the worker).
 */
class ControlChannelTest {

  private static final JobProcesses NEVER_STOPPED =
      (command, dir, env, transformer) -> {
        throw new AssertionError("no process runs here");
      };
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK smtk-job";

  private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  private final ToolkitLog log =
      ToolkitLog.to(new PrintStream(logged, true, StandardCharsets.UTF_8));

  @Test
  @Timeout(30)
  void finish_readyWorker_receivesKeyAndOutcome() throws Exception {
    try (ControlServer server =
        ControlServer.open(0, "job1", List.of("localhost"), KEY, TIMEOUT, log)) {
      CompletableFuture<JobOutcome> worker =
          CompletableFuture.supplyAsync(
              () -> {
                try (ControlClient client =
                    ControlClient.connect(
                        "localhost",
                        server.port(),
                        "job1",
                        "localhost",
                        TIMEOUT,
                        NEVER_STOPPED,
                        log)) {
                  assertThat(client.awaitKey(TIMEOUT)).isEqualTo(KEY);
                  client.ready("ssh-ed25519 HOSTKEY smtk-host");
                  return client.awaitEnd(TIMEOUT, NEVER_STOPPED);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });

      Map<String, String> hostKeys = server.awaitReady(TIMEOUT, NEVER_STOPPED);
      JobOutcome outcome = new JobOutcome(1, "localhost", 3, "rank 3 failed", "Traceback\nboom");
      server.finish(outcome);

      assertThat(hostKeys).containsExactly(Map.entry("localhost", "ssh-ed25519 HOSTKEY smtk-host"));
      assertThat(worker.get(10, TimeUnit.SECONDS)).isEqualTo(outcome);
    }
  }

  @Test
  @Timeout(30)
  void awaitReady_workerNeverComes_namesHost() throws Exception {
    try (ControlServer server =
        ControlServer.open(0, "job1", List.of("localhost"), null, TIMEOUT, log)) {
      assertThatThrownBy(() -> server.awaitReady(Duration.ofMillis(300), NEVER_STOPPED))
          .isInstanceOf(HostUnreachableException.class)
          .hasMessageContaining("Worker host localhost did not report ready within 0 s")
          .hasMessageContaining("SMTK_STARTUP_TIMEOUT_SECONDS");
    }
  }

  @Test
  @Timeout(30)
  void connect_otherJob_isRejectedAndNamedInTimeout() throws Exception {
    try (ControlServer server =
        ControlServer.open(0, "job1", List.of("localhost"), null, TIMEOUT, log)) {
      ControlClient client =
          ControlClient.connect(
              "localhost", server.port(), "job2", "localhost", TIMEOUT, NEVER_STOPPED, log);

      assertThatThrownBy(() -> client.awaitKey(TIMEOUT))
          .isInstanceOf(HostUnreachableException.class)
          .hasMessageContaining("closed the control connection");
      assertThatThrownBy(() -> server.awaitReady(Duration.ofMillis(200), NEVER_STOPPED))
          .hasMessageContaining("belongs to another job");
      client.close();
    }
  }

  @Test
  @Timeout(30)
  void onLost_workerClosesMidJob_reportsHost() throws Exception {
    try (ControlServer server =
        ControlServer.open(0, "job1", List.of("localhost"), KEY, TIMEOUT, log)) {
      CompletableFuture<String> lost = new CompletableFuture<>();
      server.onLost((host, reason) -> lost.complete(host + ": " + reason));
      ControlClient client =
          ControlClient.connect(
              "localhost", server.port(), "job1", "localhost", TIMEOUT, NEVER_STOPPED, log);
      client.awaitKey(TIMEOUT);
      client.ready(null);
      server.awaitReady(TIMEOUT, NEVER_STOPPED);

      client.close();

      assertThat(lost.get(10, TimeUnit.SECONDS))
          .isEqualTo("localhost: its toolkit closed the control connection");
    }
  }

  @Test
  @Timeout(30)
  void awaitEnd_masterSilent_failsAfterPeerTimeout() throws Exception {
    ControlServer server = ControlServer.open(0, "job1", List.of("localhost"), KEY, TIMEOUT, log);
    try (ControlClient client =
        ControlClient.connect(
            "localhost", server.port(), "job1", "localhost", TIMEOUT, NEVER_STOPPED, log)) {
      client.awaitKey(TIMEOUT);
      client.ready(null);
      server.awaitReady(TIMEOUT, NEVER_STOPPED);
      server.close(); // the master's toolkit dies: its sockets close

      long start = System.nanoTime();
      assertThatThrownBy(() -> client.awaitEnd(Duration.ofSeconds(3), NEVER_STOPPED))
          .isInstanceOf(HostUnreachableException.class)
          .hasMessageStartingWith("Lost contact with the master localhost: ");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  @Timeout(30)
  void connect_noMaster_failsNamingMasterAndPort() {
    assertThatThrownBy(
            () ->
                ControlClient.connect(
                    "localhost",
                    1,
                    "job1",
                    "localhost",
                    Duration.ofMillis(200),
                    NEVER_STOPPED,
                    log))
        .isInstanceOf(HostUnreachableException.class)
        .hasMessageContaining("The master localhost did not open its control port 1 within 0 s");
  }
}
