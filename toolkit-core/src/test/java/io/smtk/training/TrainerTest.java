package io.smtk.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.process.SignalForwarder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link Trainer}, with real user processes run by /usr/bin/python3 and /bin/sh. */
@Timeout(120)
class TrainerTest {

  @TempDir Path dir;
  private JobDir job;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private SignalForwarder signals;

  @BeforeEach
  void setUp() throws Exception {
    job = new JobDir(dir.resolve("opt/ml"));
    signals = SignalForwarder.create();
  }

  @Test
  void train_scriptSucceeds_successFileAndOutputStreamed() throws Exception {
    job.config("hyperparameters.json", "{\"epochs\": \"2\", \"name\": \"\\\"two words\\\"\"}")
        .code(
            "train.py",
            "import sys, os\nprint('args', sys.argv[1:])\n"
                + "open(os.environ['SM_MODEL_DIR'] + '/model.txt', 'w').write(os.environ['SM_HP_EPOCHS'])\n");

    int exitCode = train(job.env("train.py"));

    assertThat(exitCode).isZero();
    assertThat(job.success()).exists();
    assertThat(job.failure()).doesNotExist();
    assertThat(stdout()).contains("args ['--epochs', '2', '--name', 'two words']");
    assertThat(job.base.resolve("model/model.txt")).hasContent("2");
    assertThat(stderr()).contains("Reporting training SUCCESS");
  }

  @Test
  void train_scriptRaises_failureFileHoldsTracebackTail() throws Exception {
    job.code("train.py", "def f():\n    raise ValueError('learning rate too high')\nf()\n");

    int exitCode = train(job.env("train.py"));

    assertThat(exitCode).isEqualTo(1);
    assertThat(job.success()).doesNotExist();
    assertThat(job.failureText())
        .startsWith("ExecuteUserScriptError:\nExitCode 1\nErrorMessage \"Traceback")
        .contains("ValueError: learning rate too high\"")
        .contains("Command \"/usr/bin/python3 train.py\"");
  }

  @Test
  void train_scriptExitsThree_exitCodePassedThrough() throws Exception {
    job.code("train.py", "import sys\nsys.exit(3)\n");

    assertThat(train(job.env("train.py"))).isEqualTo(3);
    assertThat(job.failureText()).contains("ExitCode 3");
  }

  @Test
  void train_userWritesFailureFile_keptAndNonZero() throws Exception {
    job.code(
        "train.py",
        "import os, sys\nopen(os.environ['SM_OUTPUT_DIR'] + '/failure', 'w').write('my reason')\nsys.exit(4)\n");

    assertThat(train(job.env("train.py"))).isEqualTo(4);
    assertThat(job.failureText()).isEqualTo("my reason");
  }

  @Test
  void train_failureFileButExitZero_reportsFailure() throws Exception {
    job.code(
        "train.py",
        "import os\nopen(os.environ['SM_OUTPUT_DIR'] + '/failure', 'w').write('half done')\n");

    assertThat(train(job.env("train.py"))).isEqualTo(1);
    assertThat(job.success()).doesNotExist();
    assertThat(job.failureText()).isEqualTo("half done");
  }

  @Test
  void train_entryPointMissing_failureNamesFileAndCodeDir() throws Exception {
    job.code("train.py", "print(1)\n");

    assertThat(train(job.env("missing.py"))).isNotZero();
    assertThat(job.failureText())
        .contains("Entry point 'missing.py'")
        .contains(job.base.resolve("code").toString())
        .contains("it holds: train.py");
  }

  @Test
  void train_noEntryPoint_exit2NamesBothSettings() throws Exception {
    assertThat(train(job.env(null))).isEqualTo(2);
    assertThat(job.failureText()).contains("SAGEMAKER_PROGRAM").contains("sagemaker_program");
  }

  @Test
  void train_invalidHyperparametersJson_exit2NamesFile() throws Exception {
    job.config("hyperparameters.json", "{\"lr\": ");

    assertThat(train(job.env("train.py"))).isEqualTo(2);
    assertThat(job.failureText()).contains("hyperparameters.json is not valid JSON");
  }

  @Test
  void train_submitDirectoryNotGzip_failureNamesArchiveAndLeavesNoCode() throws Exception {
    Path archive = dir.resolve("sourcedir.tar.gz");
    Files.writeString(archive, "this is not a gzip file\n");
    job.config(
        "hyperparameters.json",
        "{\"sagemaker_program\": \"\\\"train.py\\\"\", "
            + "\"sagemaker_submit_directory\": \"\\\""
            + archive
            + "\\\"\"}");

    assertThat(train(job.env(null))).isNotZero();
    assertThat(job.failureText()).contains(archive.toString());
    assertThat(job.base.resolve("code")).isEmptyDirectory();
  }

  @Test
  void train_shellCommandWithoutShebang_runsUnderSh() throws Exception {
    job.code("train", "echo \"args:$*\"\necho \"$SM_HP_LR\" > \"$SM_MODEL_DIR/lr\"\n");
    job.config("hyperparameters.json", "{\"lr\": \"0.5\"}");

    assertThat(train(job.env("train"))).isZero();
    assertThat(stdout()).contains("args:--lr 0.5");
    assertThat(job.base.resolve("model/lr")).hasContent("0.5\n");
  }

  @Test
  void train_frameworkEntryByAlias_runsEntryWithItsVariables() throws Exception {
    job.code(
        "train.py",
        "import os\nprint('fw', os.environ['FRAMEWORK_VARIABLE'], os.environ['SM_FRAMEWORK_MODULE'])\n");
    Map<String, String> env = job.env("train.py");
    env.put("SAGEMAKER_TRAINING_MODULE", "recording_framework.training:main");

    assertThat(train(env)).isZero();
    assertThat(job.base.resolve("model/framework")).hasContent("algo-1");
    assertThat(stdout()).contains("fw from-entry recording_framework.training:main");
  }

  @Test
  void train_frameworkEntryByClassName_runs() throws Exception {
    job.code("train.py", "print('ok')\n");
    Map<String, String> env = job.env("train.py");
    env.put("SAGEMAKER_TRAINING_MODULE", RecordingFrameworkEntry.class.getName());

    assertThat(train(env)).isZero();
    assertThat(job.base.resolve("model/framework")).exists();
  }

  @Test
  void train_unknownTrainingModule_listsValidEntries() throws Exception {
    Map<String, String> env = job.env("train.py");
    env.put("SAGEMAKER_TRAINING_MODULE", "sagemaker_pytorch_containr.training:main");

    // Not one of smtk's entries, so imported as a Python framework module: that fails, naming both.
    assertThat(train(env)).isEqualTo(2);
    assertThat(job.failureText())
        .contains("sagemaker_pytorch_containr.training:main")
        .contains("Python path searched")
        .contains("valid values of smtk's own entries:")
        .contains("recording_framework.training:main")
        .contains(RecordingFrameworkEntry.class.getName());
  }

  @Test
  void train_stopRequested_forwardsToScriptWhichCheckpoints() throws Exception {
    Path ready = dir.resolve("ready");
    job.code(
        "train.sh",
        "#!/bin/sh\ntrap 'echo saved > \"$SM_MODEL_DIR/checkpoint\"; exit 0' TERM\n"
            + "touch "
            + ready
            + "\nwhile true; do sleep 0.1; done\n");
    Thread stopper =
        new Thread(
            () -> {
              try {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!Files.exists(ready) && System.nanoTime() < deadline) {
                  Thread.sleep(20);
                }
                signals.forward(SignalForwarder.SIGTERM);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    stopper.start();

    int exitCode = train(job.env("train.sh"));
    stopper.join();

    assertThat(exitCode).isEqualTo(143);
    assertThat(job.base.resolve("model/checkpoint")).hasContent("saved\n");
    assertThat(job.failureText()).startsWith("Training stopped: the toolkit received SIGTERM");
    assertThat(job.success()).doesNotExist();
  }

  @Test
  void train_secretHyperparameters_hiddenInTheLogButRealForTheScript() throws Exception {
    job.config(
            "hyperparameters.json",
            "{\"db_password\": \"\\\"hunter2-very-secret\\\"\", \"api_token\": \"\\\"t0k\\\"\","
                + " \"epochs\": \"2\"}")
        .code(
            "train.py",
            "import os, sys\n"
                + "open(os.environ['SM_MODEL_DIR'] + '/seen', 'w').write("
                + "os.environ['SM_HP_DB_PASSWORD'] + ' ' + ' '.join(sys.argv[1:]))\n");

    assertThat(train(job.env("train.py"))).isZero();

    assertThat(job.base.resolve("model/seen"))
        .hasContent(
            "hunter2-very-secret --api_token t0k --db_password hunter2-very-secret --epochs 2");
    assertThat(stderr())
        .doesNotContain("hunter2")
        .doesNotContain("t0k")
        .contains("SM_HP_DB_PASSWORD=****")
        .contains("--api_token **** --db_password **** --epochs 2")
        .contains("\"db_password\":\"****\"");
  }

  @Test
  void train_scriptFailsSayingItsSecret_failureFileHidesIt() throws Exception {
    job.config("hyperparameters.json", "{\"db_password\": \"\\\"hunter2-very-secret\\\"\"}")
        .code(
            "train.py",
            "import os\nraise ValueError('login refused for ' + os.environ['SM_HP_DB_PASSWORD'])\n");

    assertThat(train(job.env("train.py"))).isEqualTo(1);

    assertThat(job.failureText())
        .doesNotContain("hunter2")
        .contains("ValueError: login refused for ****")
        .contains("Command \"/usr/bin/python3 train.py --db_password ****\"");
  }

  @Test
  void train_entryPointOutsideTheCodeFolder_refusedWithoutTouchingIt() throws Exception {
    Path outside = dir.resolve("outside.sh");
    Files.writeString(outside, "#!/bin/sh\ntouch " + dir.resolve("ran") + "\n");
    Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));

    int exitCode = train(job.env("../../../outside.sh"));

    assertThat(exitCode).isEqualTo(2);
    assertThat(job.failureText())
        .contains("Entry point '../../../outside.sh'")
        .contains("resolves to " + outside.toRealPath())
        .contains("outside the code directory");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(outside)))
        .isEqualTo("rw-r--r--");
    assertThat(dir.resolve("ran")).doesNotExist();
  }

  @Test
  void train_entryPointSymlinkOutOfTheCodeFolder_refused() throws Exception {
    Path outside = dir.resolve("elsewhere.sh");
    Files.writeString(outside, "#!/bin/sh\ntouch " + dir.resolve("ran") + "\n");
    Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));
    Files.createSymbolicLink(job.base.resolve("code/train.sh"), outside);

    assertThat(train(job.env("train.sh"))).isEqualTo(2);
    assertThat(job.failureText()).contains("outside the code directory");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(outside)))
        .isEqualTo("rw-r--r--");
    assertThat(dir.resolve("ran")).doesNotExist();
  }

  @Test
  void train_argumentListTooLong_failureStartsWithTheCause() throws Exception {
    // One argument past Linux's 128 KiB limit for a single string.
    job.config("hyperparameters.json", "{\"blob\": \"" + "x".repeat(200_000) + "\"}")
        .code("train.py", "print('never')\n");

    assertThat(train(job.env("train.py"))).isEqualTo(1);
    String firstLine = job.failureText().lines().findFirst().orElse("");
    assertThat(firstLine).contains("Argument list too long");
    assertThat(firstLine.indexOf("Argument list too long")).isLessThan(400);
  }

  @Test
  void train_nulOrEqualsInAHyperparameterName_exit2NamingTheKey() throws Exception {
    job.config("hyperparameters.json", "{\"lr=0.1\": \"1\"}").code("train.py", "print(1)\n");

    assertThat(train(job.env("train.py"))).isEqualTo(2);
    assertThat(job.failureText()).contains("Hyperparameter \"lr=0.1\"").contains("'='");
  }

  @Test
  void train_duplicateHosts_exit2() throws Exception {
    job.config(
            "resourceconfig.json",
            "{\"current_host\": \"algo-1\", \"hosts\": [\"algo-1\", \"algo-1\"]}")
        .code("train.py", "print(1)\n");

    assertThat(train(job.env("train.py"))).isEqualTo(2);
    assertThat(job.failureText()).contains("lists \"algo-1\" more than once");
  }

  @Test
  void train_scriptPrintsControlCharacters_failureFileShowsThemEscaped() throws Exception {
    job.code(
        "train.py",
        "import sys\nsys.stderr.write('\\x1b[31mred\\x1b[0m \\x00nul\\n')\nsys.exit(3)\n");

    assertThat(train(job.env("train.py"))).isEqualTo(3);
    assertThat(job.failureText())
        .contains("\\x1b[31mred\\x1b[0m \\x00nul")
        .doesNotContain("\u001b")
        .doesNotContain("\u0000");
  }

  @Test
  void train_stopWhileWaitingForHostNames_exit143() throws Exception {
    job.config(
            "resourceconfig.json",
            "{\"current_host\": \"algo-1\", \"hosts\": [\"algo-1\", \"smtk-no-such-host-13\"]}")
        .code("train.py", "print(1)\n");
    Map<String, String> env = job.env("train.py");
    env.remove("SM_STUDIO_LOCAL_MODE");
    stopWhen(() -> stderr().contains("Waiting for host name"));

    int exitCode = train(env);

    assertThat(exitCode).isEqualTo(143);
    assertThat(job.failureText())
        .startsWith("Training stopped: the toolkit received SIGTERM")
        .contains("while waiting for host name");
  }

  @Test
  void train_stopWhileUnpackingTheSubmitDirectory_exit143AndNoPartialTree() throws Exception {
    Path archive =
        io.smtk.archive.ZeroArchive.write(dir.resolve("sourcedir.tar.gz"), "zeros.bin", 4096);
    job.config(
        "hyperparameters.json",
        "{\"sagemaker_program\": \"\\\"train.py\\\"\", \"sagemaker_submit_directory\": \"\\\""
            + archive
            + "\\\"\"}");
    stopWhen(() -> staging(job.base).isPresent());

    int exitCode = train(job.env(null));

    assertThat(exitCode).isEqualTo(143);
    assertThat(job.failureText()).contains("while extracting " + archive);
    assertThat(job.base.resolve("code")).isEmptyDirectory();
    assertThat(staging(job.base)).isEmpty();
  }

  @Test
  void train_archivePastTheUnpackedLimit_refusedNamingIt() throws Exception {
    Path archive =
        io.smtk.archive.ZeroArchive.write(dir.resolve("sourcedir.tar.gz"), "zeros.bin", 8);
    job.config(
        "hyperparameters.json",
        "{\"sagemaker_program\": \"\\\"train.py\\\"\", \"sagemaker_submit_directory\": \"\\\""
            + archive
            + "\\\"\"}");
    Map<String, String> env = job.env(null);
    env.put("SMTK_MAX_UNPACKED_BYTES", "1M");

    assertThat(train(env)).isEqualTo(1);
    assertThat(job.failureText())
        .contains("Refusing to extract " + archive)
        .contains("(SMTK_MAX_UNPACKED_BYTES)");
    assertThat(job.base.resolve("code")).isEmptyDirectory();
  }

  @Test
  void train_stopWhileInstallingRequirements_exit143() throws Exception {
    // A package index that accepts and never answers: pip waits on it.
    try (SilentServer index = SilentServer.start()) {
      job.code(
              "requirements.txt",
              "--index-url http://127.0.0.1:" + index.port() + "/simple\nsomething\n")
          .code("train.py", "print('never')\n");
      stopWhen(index::wasReached);
      Map<String, String> env = job.env("train.py");
      // Debian's python3 refuses pip installs into it otherwise (PEP 668), before any download.
      env.put("PIP_BREAK_SYSTEM_PACKAGES", "1");

      int exitCode = train(env);

      assertThat(exitCode).isEqualTo(143);
      assertThat(job.failureText()).startsWith("Training stopped: the toolkit received SIGTERM");
      assertThat(stdout()).doesNotContain("never");
    }
  }

  @Test
  void train_stopWhileDownloadingCodeFromS3_exit143() throws Exception {
    // An S3 endpoint that accepts and never answers: the download waits on it.
    try (SilentServer s3 = SilentServer.start()) {
      job.config(
          "hyperparameters.json",
          "{\"sagemaker_program\": \"\\\"train.py\\\"\", \"sagemaker_submit_directory\":"
              + " \"\\\"s3://bucket/src/sourcedir.tar.gz\\\"\"}");
      Map<String, String> env = job.env(null);
      env.put("S3_ENDPOINT_URL", "http://127.0.0.1:" + s3.port());
      env.put("AWS_ACCESS_KEY_ID", "test");
      env.put("AWS_SECRET_ACCESS_KEY", "test");
      env.put("AWS_REGION", "us-east-1");
      stopWhen(s3::wasReached);

      int exitCode = train(env);

      assertThat(exitCode).isEqualTo(143);
      assertThat(job.failureText()).contains("while downloading s3://bucket/src/sourcedir.tar.gz");
      assertThat(job.base.resolve("code")).isEmptyDirectory();
    }
  }

  /** A server on 127.0.0.1 that accepts every connection and never answers. */
  private static final class SilentServer implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();

    private SilentServer(ServerSocket server) {
      this.server = server;
    }

    static SilentServer start() throws IOException {
      SilentServer silent =
          new SilentServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    silent.accepted.add(silent.server.accept());
                  }
                } catch (IOException e) {
                  // Closed at the end of the test.
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      return silent;
    }

    int port() {
      return server.getLocalPort();
    }

    boolean wasReached() {
      return !accepted.isEmpty();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }

  @Test
  void train_stopWhileAFrameworkServiceRuns_exit143AndTheServiceIsStopped() throws Exception {
    Map<String, String> env = job.env(null);
    env.put("SAGEMAKER_TRAINING_MODULE", ServiceWaitingEntry.class.getName());
    Path pidFile = job.base.resolve("model/service.pid");
    stopWhen(() -> Files.exists(pidFile));

    int exitCode = train(env);

    assertThat(exitCode).isEqualTo(143);
    assertThat(job.failureText()).startsWith("Training stopped: the toolkit received SIGTERM");
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        .as("service pid %d alive", pid)
        .isFalse();
  }

  @Test
  void train_sigintWhileWaitingForHostNames_exit130() throws Exception {
    job.config(
            "resourceconfig.json",
            "{\"current_host\": \"algo-1\", \"hosts\": [\"algo-1\", \"smtk-no-such-host-13\"]}")
        .code("train.py", "print(1)\n");
    Map<String, String> env = job.env("train.py");
    env.remove("SM_STUDIO_LOCAL_MODE");
    stopWhen(() -> stderr().contains("Waiting for host name"), SignalForwarder.SIGINT);

    assertThat(train(env)).isEqualTo(130);
    assertThat(job.failureText()).startsWith("Training stopped: the toolkit received SIGINT");
  }

  /** Sends the trainer SIGTERM (as its handler would) once the condition holds. */
  private void stopWhen(java.util.function.BooleanSupplier condition) {
    stopWhen(condition, SignalForwarder.SIGTERM);
  }

  /** Sends the trainer a stop signal (as its handler would) once the condition holds. */
  private void stopWhen(java.util.function.BooleanSupplier condition, int signal) {
    Thread stopper =
        new Thread(
            () -> {
              try {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
                  Thread.sleep(5);
                }
                signals.forward(signal);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "stopper");
    stopper.setDaemon(true);
    stopper.start();
  }

  private static java.util.Optional<Path> staging(Path base) {
    try (var list = Files.list(base)) {
      return list.filter(path -> path.getFileName().toString().contains(".extract-")).findAny();
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  private int train(Map<String, String> env) {
    return Trainer.builder(env, new PrintStream(out, true), new PrintStream(err, true))
        .signals(signals)
        .build()
        .train();
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
