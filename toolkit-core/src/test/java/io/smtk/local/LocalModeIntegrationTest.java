package io.smtk.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.testing.JobTree;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tests for {@link LocalRunner} through {@code bin/smtk local}, as separate processes. */
class LocalModeIntegrationTest {

  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  @TempDir Path dir;

  /** How one {@code smtk local} run ended. */
  record Run(int exitCode, String stdout, String stderr) {}

  @Test
  void local_twoHosts_eachHostSeesItsOwnNameAndKeepsItsModel() throws Exception {
    Path code =
        script(
            "train.py",
            """
        import os
        host = os.environ["SM_CURRENT_HOST"]
        print("I am", host, "of", os.environ["SM_HOSTS"])
        with open(os.path.join(os.environ["SM_MODEL_DIR"], "host.txt"), "w") as f:
            f.write(host)
        """);
    Path out = dir.resolve("out");

    Run run = run(local(code, out, "--instance-count", "2"), dir, Map.of());

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout())
        .contains("algo-1 | I am algo-1 of [\"algo-1\",\"algo-2\"]")
        .contains("algo-2 | I am algo-2 of [\"algo-1\",\"algo-2\"]");
    assertThat(listing(out))
        .containsExactlyInAnyOrder(
            "model.tar.gz", "model-algo-2.tar.gz", "output.tar.gz", "output-algo-2.tar.gz");
    assertThat(extract(out.resolve("model.tar.gz"), "host.txt")).isEqualTo("algo-1");
    assertThat(extract(out.resolve("model-algo-2.tar.gz"), "host.txt")).isEqualTo("algo-2");
  }

  @Test
  void local_channelAndHyperparameters_reachTheScriptAsOnSageMaker() throws Exception {
    Path code =
        script(
            "train.py",
            """
        import json, os, sys
        print("args", sys.argv[1:])
        print("hps", os.environ["SM_HPS"])
        print("lines", len(open(os.path.join(os.environ["SM_CHANNEL_TRAIN"], "d.csv")).readlines()))
        """);
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("d.csv"), "1,2\n3,4\n");

    Run run =
        run(
            local(
                code,
                dir.resolve("out"),
                "--channel",
                "train=" + data,
                "--hyperparameter",
                "lr=0.1",
                "--hyperparameter",
                "name=resnet"),
            dir,
            Map.of());

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout())
        .contains("algo-1 | args ['--lr', '0.1', '--name', 'resnet']")
        .contains("algo-1 | hps {\"lr\":0.1,\"name\":\"resnet\"}")
        .contains("algo-1 | lines 2");
  }

  @Test
  void local_scriptFails_failureReasonPrintedWrittenAndPacked() throws Exception {
    Path code =
        script(
            "train.py",
            """
        raise ValueError("the learning rate is far too high")
        """);
    Path out = dir.resolve("out");

    Run run = run(local(code, out), dir, Map.of());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stderr())
        .contains("failed (exit status 1)")
        .contains("ValueError: the learning rate is far too high");
    assertThat(Files.readString(out.resolve("failure")))
        .startsWith("algo-1 (exit status 1):")
        .contains("ValueError: the learning rate is far too high");
    assertThat(extract(out.resolve("output.tar.gz"), "failure"))
        .contains("the learning rate is far too high");
  }

  @Test
  void local_sigint_forwardsSigtermToTheScriptAndPacksItsCheckpoint() throws Exception {
    Path code =
        script(
            "train.py",
            """
        import os, signal, sys, time
        def stop(signum, frame):
            with open(os.path.join(os.environ["SM_MODEL_DIR"], "checkpoint.txt"), "w") as f:
                f.write("stopped by signal %d" % signum)
            print("checkpoint written", flush=True)
            sys.exit(0)
        signal.signal(signal.SIGTERM, stop)
        print("ready", flush=True)
        time.sleep(120)
        """);
    Path out = dir.resolve("out");
    Path stdout = dir.resolve("stdout.log");
    Path stderr = dir.resolve("stderr.log");
    // SIGINT may be ignored by whoever started the build (a background job); reset it for smtk.
    List<String> command =
        new ArrayList<>(
            List.of(
                "/usr/bin/python3",
                "-c",
                "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL);"
                    + " os.execv(sys.argv[1], sys.argv[1:])"));
    command.addAll(local(code, out));
    Process process = start(command, dir, Map.of("SMTK_STOP_GRACE_SECONDS", "10"), stdout, stderr);
    try {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!Files.readString(stdout).contains("algo-1 | ready")) {
        assertThat(process.isAlive()).as(Files.readString(stderr)).isTrue();
        assertThat(System.nanoTime()).as("no 'ready' line").isLessThan(deadline);
        Thread.sleep(100);
      }
      // bin/smtk execs java, so this pid is the JVM's.
      new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
    }

    assertThat(process.exitValue()).isEqualTo(130);
    assertThat(Files.readString(stdout)).contains("algo-1 | checkpoint written");
    assertThat(Files.readString(stderr)).contains("was stopped (exit status 130)");
    assertThat(extract(out.resolve("model.tar.gz"), "checkpoint.txt"))
        .isEqualTo("stopped by signal 15");
    assertThat(Files.readString(out.resolve("failure"))).containsIgnoringCase("stopped");
  }

  @ParameterizedTest
  @ValueSource(strings = {"channel", "hyperparameter", "entry-point", "output-file", "image"})
  void local_badInput_oneLineNamingTheValueExit2AndNothingWritten(String bad) throws Exception {
    Path code = script("train.py", "print('never runs')\n");
    Path out = Files.createDirectories(dir.resolve("out"));
    List<String> command =
        new ArrayList<>(List.of(smtk(), "local", "--source-dir", code.toString()));
    String value;
    switch (bad) {
      case "channel" -> {
        value = dir.resolve("no-such-data").toString();
        command.addAll(List.of("--entry-point", "train.py", "--channel", "train=" + value));
      }
      case "hyperparameter" -> {
        value = "learning-rate";
        command.addAll(List.of("--entry-point", "train.py", "--hyperparameter", value));
      }
      case "entry-point" -> {
        value = "tran.py";
        command.addAll(List.of("--entry-point", value));
      }
      case "output-file" -> {
        out = Files.writeString(dir.resolve("out-file"), "keep me");
        value = out.toString();
        command.addAll(List.of("--entry-point", "train.py"));
      }
      default -> {
        value = "localhost/smtk-no-such-image:none";
        command.addAll(List.of("--entry-point", "train.py", "--image", value));
      }
    }
    command.addAll(List.of("--output", out.toString()));

    // A scripted podman first on PATH: the image is missing and cannot be pulled, and no real
    // engine runs.
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path podman =
        Files.writeString(
            bin.resolve("podman"),
            """
        #!/bin/sh
        [ "$1" = pull ] && { echo "Error: initializing source docker://$2: connection refused" >&2; exit 125; }
        exit 1
        """);
    Files.setPosixFilePermissions(
        podman, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Run run = run(command, dir, Map.of("PATH", bin + ":/usr/bin:/bin"));

    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(2);
    // bin/smtk may first say that it rebuilt the toolkit; what smtk local printed is one line.
    String error = run.stderr().substring(Math.max(0, run.stderr().indexOf("smtk local: ")));
    assertThat(error).startsWith("smtk local: ").contains(value);
    assertThat(error.strip().lines()).hasSize(1);
    if (bad.equals("output-file")) {
      assertThat(Files.readString(out)).isEqualTo("keep me");
    } else {
      assertThat(listing(out)).isEmpty();
    }
  }

  @Test
  void local_envAndHyperparameterAsTyped_reachTheScript() throws Exception {
    Path code =
        script(
            "train.py",
            """
        import os, sys
        print("args", sys.argv[1:])
        print("env", os.environ["GREETING"], os.environ["SM_HP_VERSION"])
        """);

    Run run =
        run(
            local(
                code,
                dir.resolve("out"),
                "--env",
                "GREETING=hello world",
                "--hyperparameter",
                "version=1.10",
                "--hyperparameter",
                "lr=0.1"),
            dir,
            Map.of());

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout())
        .contains("algo-1 | args ['--lr', '0.1', '--version', '1.10']")
        .contains("algo-1 | env hello world 1.10");
  }

  @Test
  void local_logLevelOptionOrHyperparameter_setsTheToolkitsLevelAndTheScriptSeesIt()
      throws Exception {
    Path code = script("train.py", "import os\nprint('level', os.environ['SM_LOG_LEVEL'])\n");

    Run quiet = run(local(code, dir.resolve("quiet"), "--log-level", "WARNING"), dir, Map.of());
    Run debug =
        run(
            local(
                code, dir.resolve("debug"), "--hyperparameter", "sagemaker_container_log_level=10"),
            dir,
            Map.of());

    assertThat(quiet.exitCode()).as(quiet.stderr()).isZero();
    assertThat(debug.exitCode()).as(debug.stderr()).isZero();
    assertThat(quiet.stdout()).contains("algo-1 | level 30");
    assertThat(quiet.stderr()).doesNotContain("sagemaker-training-toolkit INFO");
    assertThat(debug.stdout()).contains("algo-1 | level 10");
    assertThat(debug.stderr()).contains("sagemaker-training-toolkit INFO");
  }

  @Test
  void local_mpiOnOneHostTwoProcesses_runsMpirunHereWithoutSshAndKeepsTheUsersMpiOptions()
      throws Exception {
    Path code =
        script(
            "train.py",
            """
        import os, sys
        from mpi4py import MPI
        comm = MPI.COMM_WORLD
        total = comm.allreduce(comm.Get_rank() + 1)
        sys.stdout.write("rank=%d size=%d sum=%d nccl=%s\\n" % (comm.Get_rank(), comm.Get_size(), total,
                         os.environ.get("NCCL_DEBUG")))
        sys.stdout.flush()
        """);

    Run run =
        run(
            local(
                code,
                dir.resolve("out"),
                "--distribution",
                "mpi",
                "--hyperparameter",
                "sagemaker_mpi_num_of_processes_per_host=2",
                "--hyperparameter",
                "sagemaker_mpi_custom_mpi_options=--NCCL_DEBUG WARN"),
            dir,
            Map.of());

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout())
        .contains("rank=0 size=2 sum=3 nccl=WARN")
        .contains("rank=1 size=2 sum=3 nccl=WARN");
    assertThat(run.stderr()).contains("mpirun runs the ranks on localhost").doesNotContain("ssh:");
  }

  @Test
  void local_python_virtualenvFirstOnPathRunsTheScript() throws Exception {
    // A virtualenv as `python3 -m venv` makes it: its bin/python3 comes first on PATH when it is
    // active.
    Path venv = dir.resolve("venv");
    Process make =
        new ProcessBuilder("/usr/bin/python3", "-m", "venv", "--without-pip", venv.toString())
            .redirectErrorStream(true)
            .start();
    String made = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(make.waitFor()).as(made).isZero();
    Path code = script("train.py", "import sys\nprint('prefix', sys.prefix)\n");

    Run run =
        run(
            local(code, dir.resolve("out")),
            dir,
            Map.of("PATH", venv.resolve("bin") + ":/usr/bin:/bin", "VIRTUAL_ENV", venv.toString()));

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).contains("algo-1 | prefix " + venv);
  }

  @Test
  void readmeTour_envExample_runsAsShownAndPrintsTheLineTheReadmeShows() throws Exception {
    String command =
        """
        bin/smtk local --source-dir examples/byoc-shell --entry-point train.sh \\
            --channel train=examples/byoc-shell/data --hyperparameter greeting=hello \\
            --env GREETING_NAME=world --output /tmp/smtk-byoc""";
    String shown = "algo-1 | hello world from algo-1 of [\"algo-1\"]: 3 lines in channel train";
    String readme = Files.readString(JobTree.projectRoot().resolve("README.md"));
    assertThat(readme).contains(command).contains("`" + shown + "`");

    Run run =
        run(
            List.of(
                "/bin/sh", "-c", command.replace("/tmp/smtk-byoc", dir.resolve("out").toString())),
            JobTree.projectRoot(),
            Map.of());

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).contains(shown);
  }

  private Path script(String name, String text) throws IOException {
    Path code = Files.createDirectories(dir.resolve("code"));
    Files.writeString(code.resolve(name), text);
    return code;
  }

  private static String smtk() {
    return JobTree.smtk().toString();
  }

  // smtk local with the code folder's train.py, the options given and the output folder.
  private static List<String> local(Path code, Path out, String... options) {
    List<String> command =
        new ArrayList<>(
            List.of(smtk(), "local", "--source-dir", code.toString(), "--entry-point", "train.py"));
    command.addAll(List.of(options));
    command.addAll(List.of("--output", out.toString()));
    return command;
  }

  private Run run(List<String> command, Path cwd, Map<String, String> extra) throws Exception {
    Path stdout = Files.createTempFile(dir, "stdout", ".log");
    Path stderr = Files.createTempFile(dir, "stderr", ".log");
    Process process = start(command, cwd, extra, stdout, stderr);
    if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError(
          command + " did not end within " + TIMEOUT + ":\n" + Files.readString(stderr));
    }
    return new Run(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
  }

  private Process start(
      List<String> command, Path cwd, Map<String, String> extra, Path stdout, Path stderr)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(cwd.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    Map<String, String> env = new LinkedHashMap<>();
    // As a user's shell on a machine with nothing configured for AWS.
    env.put("PATH", "/usr/bin:/bin");
    env.put("LANG", "C.UTF-8");
    env.put("HOME", dir.toString());
    env.put("PYTHONDONTWRITEBYTECODE", "1");
    env.putAll(extra);
    builder.environment().clear();
    builder.environment().putAll(env);
    return builder.start();
  }

  private static List<String> listing(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(file -> file.getFileName().toString()).toList();
    }
  }

  private String extract(Path archive, String entry) throws Exception {
    Process tar = new ProcessBuilder("tar", "-xzOf", archive.toString(), entry).start();
    String text = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(tar.waitFor()).as("tar -xzOf " + archive + " " + entry).isZero();
    return text;
  }
}
