package io.smtk.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.process.SignalForwarder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
