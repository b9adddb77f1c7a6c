package io.smtk.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link ProcessRunner}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessRunnerTest {

  private static final String PYTHON = "/usr/bin/python3";
  private static final String SH = "/bin/sh";
  private static final Map<String, String> ENVIRONMENT =
      Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LANG", "C.UTF-8");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path directory;

  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private final SignalForwarder forwarder = SignalForwarder.create();
  private final ProcessRunner runner = ProcessRunner.create(forwarder);
  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  @AfterEach
  void shutDownExecutor() {
    executor.shutdownNow();
  }

  @Test
  void run_oneMegabyteLine_arrivesUnbrokenInOneWrite() throws Exception {
    WriteRecorder sink = new WriteRecorder();
    ProcessSpec spec =
        spec(
                PYTHON,
                "-c",
                "import sys\n"
                    + "sys.stdout.write('first\\n')\n"
                    + "sys.stdout.write('x' * 1000000 + '\\n')\n"
                    + "sys.stdout.write('last\\n')\n")
            .stdout(sink)
            .build();

    ProcessResult result = runner.run(spec);

    assertThat(result.exitCode()).isZero();
    List<String> lines = sink.text().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).isEqualTo("first");
    assertThat(lines.get(1)).hasSize(1_000_000).matches("x+");
    assertThat(lines.get(2)).isEqualTo("last");
    assertThat(sink.writes()).as("every write ends a line").allMatch(w -> w.endsWith("\n"));
  }

  @Test
  void run_oneMegabyteLineWithTransformer_transformedAsOneLine() throws Exception {
    List<Integer> lineLengths = Collections.synchronizedList(new ArrayList<>());
    MpiRankTagRewriter rewriter = MpiRankTagRewriter.of(8);
    ProcessSpec spec =
        spec(
                PYTHON,
                "-c",
                "import sys\nsys.stdout.write('[1,9]<stdout>:' + 'y' * 1000000 + '\\nend\\n')")
            .lineTransformer(
                (buffer, offset, length) -> {
                  lineLengths.add(length);
                  return rewriter.transform(buffer, offset, length);
                })
            .build();

    runner.run(spec);

    String tag = "[1,9]<stdout>:";
    assertThat(lineLengths).containsExactly(tag.length() + 1_000_000, 3);
    List<String> lines = stdoutLines();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("[1,mpirank:9,algo-2]<stdout>:yyy").endsWith("yyy");
    assertThat(lines.get(0)).hasSize("[1,mpirank:9,algo-2]<stdout>:".length() + 1_000_000);
    assertThat(lines.get(1)).isEqualTo("end");
  }

  @Test
  void run_100kLines_allArriveInOrder() throws Exception {
    ProcessResult result =
        run(PYTHON, "-c", "for i in range(100000):\n    print('line-%06d' % i)\n");

    assertThat(result.exitCode()).isZero();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      expected.add(String.format("line-%06d", i));
    }
    assertThat(stdoutLines()).isEqualTo(expected);
  }

  @Test
  void run_interleavedStdoutAndStderrIntoOneSink_linesStayWholeAndOrdered() throws Exception {
    // Lines are written in three flushed pieces each, so the pumps see partial lines; both
    // streams go to one sink, where a line written in pieces would show up cut or mixed.
    String script =
        "import sys\n"
            + "streams = [('out', sys.stdout), ('err', sys.stderr)]\n"
            + "for i in range(2000):\n"
            + "    for name, s in streams:\n"
            + "        s.write('%s-%05d-' % (name, i)); s.flush()\n"
            + "        s.write('z' * (i % 7 * 1500)); s.flush()\n"
            + "        s.write('-end\\n'); s.flush()\n";
    ProcessSpec spec = spec(PYTHON, "-c", script).stdout(stdout).stderr(stdout).build();

    ProcessResult result = runner.run(spec);

    assertThat(result.exitCode()).isZero();
    Pattern line = Pattern.compile("(out|err)-(\\d{5})-(z*)-end");
    Map<String, Integer> next = new HashMap<>(Map.of("out", 0, "err", 0));
    List<String> lines = stdoutLines();
    assertThat(lines).hasSize(4000);
    for (String text : lines) {
      Matcher matcher = line.matcher(text);
      assertThat(matcher.matches()).as("whole line: %.80s", text).isTrue();
      int number = Integer.parseInt(matcher.group(2));
      assertThat(number).as("order of %s", matcher.group(1)).isEqualTo(next.get(matcher.group(1)));
      assertThat(matcher.group(3)).hasSize(number % 7 * 1500);
      next.put(matcher.group(1), number + 1);
    }
  }

  @Test
  void run_specialArguments_arriveIntact() throws Exception {
    List<String> arguments =
        List.of(
            "two words",
            "it's",
            "\"double quoted\"",
            "$HOME",
            "`id`",
            "$(echo hi)",
            "ünïcödé ✓ 日本語",
            "",
            "back\\slash",
            "new\nline",
            "*",
            "--lr=0.01;rm -rf /");
    List<String> command = new ArrayList<>(List.of(PYTHON, "-c", jsonOf("sys.argv[1:]")));
    command.addAll(arguments);

    run(command);

    assertThat(JSON.readValue(stdout.toByteArray(), new TypeReference<List<String>>() {}))
        .isEqualTo(arguments);
  }

  @Test
  void run_environment_isExactlyTheSpecEnvironment() throws Exception {
    Map<String, String> environment = new LinkedHashMap<>(ENVIRONMENT);
    environment.put("SM-HP-LEARNING-RATE", "0.1");
    environment.put("my.dotted.name", "dots");
    environment.put("MULTI_LINE", "first\nsecond\n");
    environment.put("GRÜSSE", "wert ✓");
    environment.put("EMPTY", "");
    // /proc/self/environ is the environment as exec'd, before Python adds anything of its own.
    String script =
        "import json, sys\n"
            + "raw = open('/proc/self/environ', 'rb').read().split(b'\\0')[:-1]\n"
            + "pairs = [e.decode('utf-8').split('=', 1) for e in raw]\n"
            + "sys.stdout.write(json.dumps(dict(pairs)))\n";

    runner.run(
        ProcessSpec.builder(List.of(PYTHON, "-c", script), environment)
            .stdout(stdout)
            .stderr(stderr)
            .build());

    Map<String, String> seen =
        JSON.readValue(stdout.toByteArray(), new TypeReference<Map<String, String>>() {});
    assertThat(seen).as("stderr: %s", stderr).isEqualTo(environment);
  }

  @Test
  void run_invalidUtf8_passesThroughByteIdentical() throws Exception {
    byte[] expectedOut = {
      'a',
      (byte) 0xff,
      (byte) 0xfe,
      ' ',
      (byte) 0xc3,
      '(',
      '\n',
      (byte) 0xe2,
      (byte) 0x82,
      '\r',
      '\n',
      't',
      'a',
      'i',
      'l',
      (byte) 0x80
    };
    String script =
        "import sys\n"
            + "sys.stdout.buffer.write(bytes.fromhex(sys.argv[1]))\n"
            + "sys.stderr.buffer.write(b'\\xc0\\xaf err\\n')\n";

    run(PYTHON, "-c", script, hex(expectedOut));

    assertThat(stdout.toByteArray()).isEqualTo(expectedOut);
    assertThat(stderr.toByteArray())
        .isEqualTo(new byte[] {(byte) 0xc0, (byte) 0xaf, ' ', 'e', 'r', 'r', '\n'});
  }

  @Test
  void run_pythonRaisesValueError_errorTextIsTheTraceback() throws Exception {
    Files.writeString(
        directory.resolve("train.py"),
        "import sys\n"
            + "print('epoch 1 loss 0.5')\n"
            + "print('some warning on stderr', file=sys.stderr)\n"
            + "def train(lr):\n"
            + "    raise ValueError('learning rate too large: %s' % lr)\n"
            + "train(0.5)\n");

    ProcessResult result = run(PYTHON, "train.py");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.succeeded()).isFalse();
    assertThat(result.errorText())
        .startsWith("Traceback (most recent call last):\n")
        .contains("train.py\", line 5, in train")
        .endsWith("ValueError: learning rate too large: 0.5")
        .doesNotContain("some warning");
  }

  @Test
  void run_exit3_exitCode3() throws Exception {
    // Also shows that setsid did not fork: a forking setsid exits 0 at once.
    ProcessResult result = run(SH, "-c", "echo failing >&2; exit 3");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.terminatingSignal()).isEmpty();
    assertThat(result.stoppedByToolkit()).isFalse();
    assertThat(result.errorText()).isEqualTo("failing");
  }

  @Test
  void run_exit0_succeeded() throws Exception {
    ProcessResult result = run(SH, "-c", "echo fine");

    assertThat(result.succeeded()).isTrue();
    assertThat(result.command()).containsExactly(SH, "-c", "echo fine");
    assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo("fine\n");
  }

  @Test
  void run_childKillsItselfWithSigkill_exitCode137() throws Exception {
    ProcessResult result = run(SH, "-c", "kill -9 $$");

    assertThat(result.exitCode()).isEqualTo(137);
    assertThat(result.terminatingSignal()).hasValue(9);
    assertThat(result.stoppedByToolkit()).isFalse();
  }

  @Test
  void run_programNotFound_exitCode127() throws Exception {
    ProcessResult result = run("no-such-program-smtk");

    assertThat(result.exitCode()).isEqualTo(127);
    assertThat(result.errorText()).contains("no-such-program-smtk");
  }

  @Test
  void run_missingWorkingDirectory_throwsIoException() {
    ProcessSpec spec = spec(SH, "-c", "true").workingDirectory(directory.resolve("gone")).build();

    assertThatThrownBy(() -> runner.run(spec))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("could not start")
        .hasMessageContaining("gone");
  }

  @Test
  void run_child_isLeaderOfItsOwnSessionAndGroupAndRunsInWorkingDirectory() throws Exception {
    run(
        PYTHON,
        "-c",
        "import os, sys\n"
            + "pid = os.getpid()\n"
            + "print(pid == os.getpgid(0), pid == os.getsid(0), os.getcwd())\n"
            + "print(repr(sys.stdin.read()))\n");

    assertThat(stdoutLines()).containsExactly("True True " + directory.toRealPath(), "''");
  }

  @Test
  void run_nonAsciiArgumentWithAsciiJvmEncoding_throwsIoException() {
    ProcessRunner asciiRunner =
        new ProcessRunner(
            ProcessBuilder::new,
            forwarder,
            ProcessGroupSignaller.create(),
            List.of("/usr/bin/setsid"),
            StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> asciiRunner.run(spec(SH, "-c", "echo é").build()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("argument 2")
        .hasMessageContaining("LANG=C.UTF-8");
  }

  @Test
  void run_withoutSetsid_stillRunsAndStops() throws Exception {
    ProcessRunner plainRunner =
        new ProcessRunner(
            ProcessBuilder::new,
            forwarder,
            ProcessGroupSignaller.create(),
            List.of(),
            StandardCharsets.UTF_8);
    ProcessSpec spec =
        spec(SH, "-c", "echo ready; exec sleep 1000").stopGrace(Duration.ofSeconds(20)).build();

    Future<ProcessResult> running = executor.submit(() -> plainRunner.run(spec));
    awaitStdout("ready");
    forwarder.forward(SignalForwarder.SIGTERM);
    ProcessResult result = running.get(30, TimeUnit.SECONDS);

    assertThat(result.exitCode()).isEqualTo(143);
    assertThat(result.stopSignal()).isEqualTo(SignalForwarder.SIGTERM);
  }

  @Test
  void forward_sigterm_childSavesCheckpointAndGrandchildIsGone() throws Exception {
    String script =
        "trap 'echo saved > checkpoint; exit 0' TERM\n"
            + "sleep 1000 &\n"
            + "echo $! > grandchild.pid\n"
            + "echo ready\n"
            + "wait\n";
    ProcessSpec spec = spec(SH, "-c", script).stopGrace(Duration.ofSeconds(20)).build();

    Future<ProcessResult> running = executor.submit(() -> runner.run(spec));
    awaitStdout("ready");
    forwarder.forward(SignalForwarder.SIGTERM);
    ProcessResult result = running.get(30, TimeUnit.SECONDS);

    assertThat(result.stoppedByToolkit()).isTrue();
    assertThat(result.stopSignal()).isEqualTo(15);
    assertThat(result.exitCode()).isZero();
    assertThat(result.succeeded()).isFalse();
    assertThat(directory.resolve("checkpoint")).hasContent("saved");
    assertNotRunning(readPid("grandchild.pid"));
  }

  @Test
  void forward_childIgnoresSigterm_killedAfterGrace() throws Exception {
    // An ignored signal stays ignored across exec, so the sleeps ignore SIGTERM too.
    String script = "trap '' TERM\necho ready\nwhile :; do sleep 1; done\n";
    ProcessSpec spec = spec(SH, "-c", script).stopGrace(Duration.ofMillis(500)).build();

    Future<ProcessResult> running = executor.submit(() -> runner.run(spec));
    awaitStdout("ready");
    forwarder.forward(SignalForwarder.SIGTERM);
    ProcessResult result = running.get(30, TimeUnit.SECONDS);

    assertThat(result.exitCode()).isEqualTo(137);
    assertThat(result.stopSignal()).isEqualTo(15);
  }

  @Test
  void forward_secondSignal_killsAtOnce() throws Exception {
    String script = "trap '' TERM INT\necho ready\nwhile :; do sleep 1; done\n";
    ProcessSpec spec = spec(SH, "-c", script).stopGrace(Duration.ofHours(1)).build();

    Future<ProcessResult> running = executor.submit(() -> runner.run(spec));
    awaitStdout("ready");
    forwarder.forward(SignalForwarder.SIGINT);
    forwarder.forward(SignalForwarder.SIGINT);
    ProcessResult result = running.get(30, TimeUnit.SECONDS);

    assertThat(result.exitCode()).isEqualTo(137);
    assertThat(result.stopSignal()).isEqualTo(SignalForwarder.SIGINT);
  }

  @Test
  void run_afterStopSignal_doesNotStartProcess() throws Exception {
    forwarder.forward(SignalForwarder.SIGTERM);

    ProcessResult result = run(SH, "-c", "touch started");

    assertThat(directory.resolve("started")).doesNotExist();
    assertThat(result.stoppedByToolkit()).isTrue();
    assertThat(result.exitCode()).isEqualTo(143);
  }

  @Test
  void run_backgroundProcessesLeftBehind_areStoppedAfterExit() throws Exception {
    // One leftover obeys SIGTERM, one ignores it and needs SIGKILL. Both hold the output pipes,
    // so the run could not finish if they stayed.
    String script =
        "sleep 1000 &\n"
            + "echo $! > obeys.pid\n"
            + "(trap '' TERM; sleep 1000) &\n"
            + "echo $! > ignores.pid\n"
            + "echo main done\n";
    ProcessSpec spec = spec(SH, "-c", script).leftoverGrace(Duration.ofMillis(500)).build();

    ProcessResult result = runner.run(spec);

    assertThat(result.exitCode()).isZero();
    assertThat(result.stoppedByToolkit()).isFalse();
    assertThat(stdoutLines()).containsExactly("main done");
    assertNotRunning(readPid("obeys.pid"));
    assertNotRunning(readPid("ignores.pid"));
  }

  @Test
  void run_interrupted_killsProcessAndThrowsInterruptedException() throws Exception {
    ProcessSpec spec = spec(SH, "-c", "echo $$ > main.pid; echo ready; exec sleep 1000").build();
    AtomicReference<Exception> thrown = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                runner.run(spec);
              } catch (IOException | InterruptedException e) {
                thrown.set(e);
              }
            });
    caller.start();

    awaitStdout("ready");
    caller.interrupt();
    caller.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(caller.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    assertNotRunning(readPid("main.pid"));
  }

  private ProcessResult run(String... command) throws IOException, InterruptedException {
    return run(List.of(command));
  }

  private ProcessResult run(List<String> command) throws IOException, InterruptedException {
    return runner.run(spec(command.toArray(String[]::new)).build());
  }

  private ProcessSpec.Builder spec(String... command) {
    return ProcessSpec.builder(List.of(command), ENVIRONMENT)
        .workingDirectory(directory)
        .stdout(stdout)
        .stderr(stderr);
  }

  private List<String> stdoutLines() {
    return stdout.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private void awaitStdout(String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!stdout.toString(StandardCharsets.UTF_8).contains(text)) {
      assertThat(System.nanoTime() - deadline).as("waiting for '%s' on stdout", text).isNegative();
      Thread.sleep(10);
    }
  }

  private long readPid(String file) throws IOException {
    return Long.parseLong(Files.readString(directory.resolve(file)).trim());
  }

  /** Waits until {@code pid} has exited; a zombie waiting for its reaper counts as exited. */
  static void assertNotRunning(long pid) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (isRunning(pid)) {
      assertThat(System.nanoTime() - deadline).as("process %d still runs", pid).isNegative();
      Thread.sleep(20);
    }
  }

  private static boolean isRunning(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }

  private static String jsonOf(String expression) {
    return "import json, sys\nsys.stdout.write(json.dumps(" + expression + "))\n";
  }

  private static String hex(byte[] bytes) {
    StringBuilder text = new StringBuilder();
    for (byte b : bytes) {
      text.append(String.format("%02x", b));
    }
    return text.toString();
  }
}
