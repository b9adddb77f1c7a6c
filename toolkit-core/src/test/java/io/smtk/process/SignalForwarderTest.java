package io.smtk.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tests for {@link SignalForwarder}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SignalForwarderTest {

  @TempDir Path directory;

  private final SignalForwarder forwarder = SignalForwarder.create();

  @Test
  void forward_noProcessRunning_remembersFirstSignal() {
    forwarder.forward(SignalForwarder.SIGINT);
    forwarder.forward(SignalForwarder.SIGTERM);

    assertThat(forwarder.receivedSignal()).hasValue(SignalForwarder.SIGINT);
  }

  @Test
  void receivedSignal_nothingForwarded_empty() {
    assertThat(forwarder.receivedSignal()).isEmpty();
  }

  @Test
  void forward_registeredTargets_stoppedThenKilled() {
    List<String> calls = new ArrayList<>();
    SignalForwarder.Registration registration =
        forwarder.register((signal, immediately) -> calls.add(signal + "/" + immediately));
    forwarder.forward(SignalForwarder.SIGTERM);
    forwarder.forward(SignalForwarder.SIGINT);
    registration.close();
    forwarder.forward(SignalForwarder.SIGTERM);

    assertThat(calls).containsExactly("15/false", "15/true");
  }

  @Test
  void register_afterSignal_stoppedAtOnce() {
    List<Integer> stops = new ArrayList<>();
    forwarder.forward(SignalForwarder.SIGTERM);

    forwarder.register((signal, immediately) -> stops.add(signal)).close();

    assertThat(stops).containsExactly(15);
  }

  @Test
  void forward_notASignal_throws() {
    assertThatThrownBy(() -> forwarder.forward(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> forwarder.forward(65)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Sends a real signal to a separate toolkit-like JVM, which must not die of it. */
  @ParameterizedTest
  @CsvSource({"TERM, 15", "INT, 2"})
  void install_signalToJvm_forwardedToWholeGroupAndJvmExitsWith128PlusSignal(
      String signal, int number) throws Exception {
    String script =
        "trap 'echo saved > checkpoint; exit 0' TERM\n"
            + "sleep 1000 &\n"
            + "echo $! > grandchild.pid\n"
            + "echo ready\n"
            + "wait\n";
    String classPath =
        Path.of(SignalForwarder.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            + File.pathSeparator
            + Path.of(SignalProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            + File.pathSeparator
            // The toolkit's exception root lives in the SPI's jar.
            + Path.of(
                io.smtk.ToolkitException.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
    // SIGINT is ignored in a background job of a shell (a build started with '&'), and an ignored
    // signal is inherited and cannot be handled: start the JVM with both signals at their default.
    Process jvm =
        new ProcessBuilder(
                "/usr/bin/env",
                "--default-signal=INT,TERM",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classPath,
                SignalProbe.class.getName(),
                directory.toString(),
                script)
            .redirectErrorStream(true)
            .start();
    BlockingQueue<String> output = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> readLines(jvm, output));
    reader.setDaemon(true);
    reader.start();
    try {
      String line;
      do {
        line = output.poll(30, TimeUnit.SECONDS);
        assertThat(line).as("waiting for the script to start").isNotNull();
      } while (!line.equals("ready"));

      sendSignal(jvm.pid(), signal);

      assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).as("JVM exited").isTrue();
      assertThat(jvm.exitValue()).as("output: %s", output).isEqualTo(128 + number);
      assertThat(directory.resolve("result"))
          .hasContent("installed=[TERM, INT] exit=0 stop=" + number);
      assertThat(directory.resolve("checkpoint")).hasContent("saved");
      ProcessRunnerTest.assertNotRunning(
          Long.parseLong(Files.readString(directory.resolve("grandchild.pid")).trim()));
    } finally {
      jvm.destroyForcibly();
    }
  }

  private static void sendSignal(long pid, String signal) throws Exception {
    Process kill = new ProcessBuilder("/bin/kill", "-s", signal, Long.toString(pid)).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  private static void readLines(Process process, BlockingQueue<String> lines) {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("(reading failed: " + e + ")");
    }
  }
}
