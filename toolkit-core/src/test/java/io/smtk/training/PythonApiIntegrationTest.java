package io.smtk.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtk.testing.JobTree;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for smtk's Python package ({@code sagemaker_training}) and Python framework modules through
 * {@code bin/smtk train}: the script and module see the job through the Java core, stops reach the
 * user's processes, failures reach the failure file.
 */
class PythonApiIntegrationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  @TempDir Path temp;

  private JobTree job(String hyperparameters) throws Exception {
    return JobTree.create(temp.resolve("opt/ml"))
        .config("hyperparameters.json", hyperparameters)
        .config("inputdataconfig.json", "{\"training\": {\"TrainingInputMode\": \"File\"}}")
        .config("resourceconfig.json", "{\"current_host\": \"algo-1\", \"hosts\": [\"algo-1\"]}");
  }

  private Path module(String name, String text) throws Exception {
    Path folder = Files.createDirectories(temp.resolve("modules").resolve(name));
    Files.writeString(folder.resolve("__init__.py"), "");
    Files.writeString(folder.resolve("training.py"), text);
    return folder.getParent();
  }

  @Test
  @Timeout(300)
  void train_scriptUsesEnvironment_seesTheContractTheJavaCoreRendered() throws Exception {
    JobTree job =
        job("{\"sagemaker_program\": \"\\\"train.py\\\"\", \"lr\": \"0.5\", \"name\": \"\\\"a b\\\"\"}")
            .code(
                "train.py",
                String.join(
                    "\n",
                    "import json, os, sys",
                    "from sagemaker_training import environment",
                    "import sagemaker_containers, sagemaker_training",
                    "from sagemaker_training.beta.framework import training_env",
                    "env = environment.Environment()",
                    "contract = {k: v for k, v in os.environ.items() if k.startswith('SM_') and k != 'SM_STUDIO_LOCAL_MODE'}",
                    "seen = {'lr': env.hyperparameters['lr'], 'channel': env.channel_input_dirs['training'],",
                    "        'model_dir': env['model_dir'], 'cmd_args': env.to_cmd_args(), 'argv': sys.argv[1:],",
                    "        'env_vars_equal_contract': env.to_env_vars() == contract,",
                    "        'legacy': [sagemaker_training.training_env().model_dir, training_env().hosts,",
                    "                   sagemaker_containers.training_env().current_host],",
                    "        'module': sagemaker_training.__file__}",
                    "open(os.path.join(env.model_dir, 'seen.json'), 'w').write(json.dumps(seen))",
                    ""));

    JobTree.Result result = job.train(Map.of(), TIMEOUT);

    assertThat(result.exitCode()).as(result.output()).isZero();
    JsonNode seen = JSON.readTree(job.model("seen.json").toFile());
    assertThat(seen.get("lr").asDouble()).isEqualTo(0.5);
    assertThat(seen.get("channel").asText())
        .isEqualTo(job.base().resolve("input/data/training").toString());
    assertThat(seen.get("model_dir").asText()).isEqualTo(job.base().resolve("model").toString());
    assertThat(seen.get("cmd_args")).isEqualTo(seen.get("argv"));
    assertThat(seen.get("argv").toString()).isEqualTo("[\"--lr\",\"0.5\",\"--name\",\"a b\"]");
    // Every SM_* variable the Java core gave the script is one to_env_vars() names, and no other.
    assertThat(seen.get("env_vars_equal_contract").asBoolean()).as(result.output()).isTrue();
    assertThat(seen.get("legacy").toString())
        .isEqualTo("[\"" + job.base().resolve("model") + "\",[\"algo-1\"],\"algo-1\"]");
    assertThat(seen.get("module").asText()).startsWith(JobTree.projectRoot().toString());
  }

  @Test
  @Timeout(300)
  void environment_scriptStartedByHand_asksTheJavaCore() throws Exception {
    JobTree job =
        job(
            "{\"sagemaker_program\": \"\\\"train.py\\\"\", \"sagemaker_s3_output\": \"\\\"s3://b/out\\\"\","
                + " \"epochs\": \"3\"}");
    String script =
        String.join(
            "\n",
            "import json",
            "from sagemaker_training import environment",
            "env = environment.Environment()",
            "given = environment.Environment(hyperparameters={'lr': 0.1, 'sagemaker_program': 'x.py'})",
            "print(json.dumps({'hps': env.hyperparameters, 'args': env.to_cmd_args(), 's3': env.sagemaker_s3_output(),",
            "  'hp_var': env.to_env_vars()['SM_HP_EPOCHS'], 'given': given.hyperparameters,",
            "  'given_entry': given.user_entry_point}))",
            "");
    Map<String, String> environment = job.environment();
    environment.put(
        "PYTHONPATH", JobTree.projectRoot().resolve("toolkit-core/src/main/python").toString());

    ProcessBuilder builder =
        new ProcessBuilder("/usr/bin/python3", "-c", script).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(environment);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();

    assertThat(process.exitValue()).as(output).isZero();
    String last = output.strip().lines().reduce((a, b) -> b).orElse("");
    JsonNode seen = JSON.readTree(last);
    assertThat(seen.get("hps").toString()).isEqualTo("{\"epochs\":3}");
    assertThat(seen.get("args").toString()).isEqualTo("[\"--epochs\",\"3\"]");
    assertThat(seen.get("s3").asText()).isEqualTo("s3://b/out");
    assertThat(seen.get("hp_var").asText()).isEqualTo("3");
    assertThat(seen.get("given").toString()).isEqualTo("{\"lr\":0.1}");
    assertThat(seen.get("given_entry").asText()).isEqualTo("x.py");
  }

  @Test
  @Timeout(300)
  void entryPointRun_fromAUserScriptWithoutTheSocket_runsThroughSmtkApi() throws Exception {
    JobTree job =
        job("{\"sagemaker_program\": \"\\\"train.py\\\"\", \"lr\": \"0.5\"}")
            .code(
                "train.py",
                String.join(
                    "\n",
                    "import os, sys",
                    "from sagemaker_training import entry_point, environment, errors",
                    "env = environment.Environment()",
                    "done = entry_point.run(env.module_dir, 'step.py', ['--step', 'one'], {'STEP_VAR': 'v1'})",
                    "try:",
                    "    entry_point.run(env.module_dir, 'step.py', ['--fail', 'yes'], {'STEP_VAR': 'v2'})",
                    "except errors.ExecuteUserScriptError as e:",
                    "    open(os.path.join(env.model_dir, 'caught.txt'), 'w').write(str(e))",
                    "print('first rc', done.returncode)",
                    ""))
            .code(
                "step.py",
                String.join(
                    "\n",
                    "import os, sys",
                    "if '--fail' in sys.argv:",
                    "    raise RuntimeError('step failed on purpose')",
                    "open(os.path.join(os.environ['SM_MODEL_DIR'], 'step.txt'), 'w').write(",
                    "    ' '.join(sys.argv[1:]) + ' ' + os.environ['STEP_VAR'])",
                    ""));

    JobTree.Result result = job.train(Map.of(), TIMEOUT);

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(Files.readString(job.model("step.txt"))).isEqualTo("--step one v1");
    assertThat(Files.readString(job.model("caught.txt")))
        .startsWith("ExecuteUserScriptError:")
        .contains("RuntimeError: step failed on purpose");
    assertThat(result.output()).contains("first rc 0");
  }

  @Test
  @Timeout(300)
  void train_frameworkModuleNotImportable_failsNamingModuleAndPythonPath() throws Exception {
    JobTree job =
        job("{\"sagemaker_program\": \"\\\"train.py\\\"\"}").code("train.py", "print('never')\n");

    JobTree.Result result =
        job.train(Map.of("SAGEMAKER_TRAINING_MODULE", "no_such_framework.training:main"), TIMEOUT);

    assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
    assertThat(Files.readString(job.failure()))
        .contains("no_such_framework")
        .contains("SAGEMAKER_TRAINING_MODULE=no_such_framework.training:main")
        .contains("Python path searched");
    assertThat(result.output()).doesNotContain("never");
  }

  @Test
  @Timeout(300)
  void train_frameworkModuleCatchesTheUserFailure_jobSucceeds() throws Exception {
    Path modules =
        module(
            "forgiving",
            String.join(
                "\n",
                "from sagemaker_training import entry_point, environment, errors",
                "def main():",
                "    env = environment.Environment()",
                "    try:",
                "        entry_point.run(env.module_dir, env.user_entry_point, env.to_cmd_args(), env.to_env_vars())",
                "    except errors.ExecuteUserScriptError as e:",
                "        print('forgiven: ' + str(e).splitlines()[0] + ' rc=' + e.return_code)",
                ""));
    JobTree job =
        job("{\"sagemaker_program\": \"\\\"train.py\\\"\"}")
            .code("train.py", "import sys\nsys.exit(3)\n");

    JobTree.Result result =
        job.train(
            Map.of(
                "SAGEMAKER_TRAINING_MODULE",
                "forgiving.training:main",
                "PYTHONPATH",
                modules.toString()),
            TIMEOUT);

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("forgiven: ExecuteUserScriptError: rc=3");
    assertThat(job.success()).exists();
  }

  @Test
  @Timeout(300)
  void train_frameworkModuleRaisesAnyException_failsWithFrameworkErrorAndTraceback()
      throws Exception {
    Path modules = module("broken", "def main():\n    raise KeyError('no such optimizer')\n");
    JobTree job =
        job("{\"sagemaker_program\": \"\\\"train.py\\\"\"}").code("train.py", "print('never')\n");

    JobTree.Result result =
        job.train(
            Map.of(
                "SAGEMAKER_TRAINING_MODULE",
                "broken.training:main",
                "PYTHONPATH",
                modules.toString()),
            TIMEOUT);

    assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
    assertThat(Files.readString(job.failure()))
        .startsWith("Framework Error: \nTraceback (most recent call last):")
        .contains("KeyError: 'no such optimizer'");
  }

  @Test
  @Timeout(300)
  void train_sigtermWhileModuleRunsEntryPoint_stopsEveryProcessAndWritesFailure() throws Exception {
    Path pids = Files.createDirectories(temp.resolve("pids"));
    Path modules =
        module(
            "stoppable",
            String.join(
                "\n",
                "import os",
                "from sagemaker_training import entry_point, environment, runner",
                "def main():",
                "    open(os.path.join('" + pids + "', 'module'), 'w').write(str(os.getpid()))",
                "    env = environment.Environment()",
                "    entry_point.run(env.module_dir, env.user_entry_point, env.to_cmd_args(), env.to_env_vars(),",
                "                    capture_error=True, runner_type=runner.ProcessRunnerType)",
                ""));
    JobTree job =
        job("{\"sagemaker_program\": \"\\\"train.py\\\"\"}")
            .code(
                "train.py",
                String.join(
                    "\n",
                    "import os, subprocess, time",
                    "child = subprocess.Popen(['sleep', '300'])",
                    "open(os.path.join('" + pids + "', 'child'), 'w').write(str(child.pid))",
                    "open(os.path.join('" + pids + "', 'script'), 'w').write(str(os.getpid()))",
                    "time.sleep(300)",
                    ""));
    Map<String, String> environment = job.environment();
    environment.put("SAGEMAKER_TRAINING_MODULE", "stoppable.training:main");
    environment.put("PYTHONPATH", modules.toString());
    environment.put("SMTK_STOP_GRACE_SECONDS", "5");
    ProcessBuilder builder =
        new ProcessBuilder(JobTree.smtk().toString(), "train")
            .directory(temp.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(temp.resolve("train.log").toFile());
    builder.environment().clear();
    builder.environment().putAll(environment);
    Process toolkit = builder.start();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!(Files.exists(pids.resolve("script")) && Files.exists(pids.resolve("module")))) {
      assertThat(toolkit.isAlive()).as(Files.readString(temp.resolve("train.log"))).isTrue();
      assertThat(System.nanoTime()).as("the user script started").isLessThan(deadline);
      Thread.sleep(50);
    }
    List<Long> started = List.of(pid(pids, "module"), pid(pids, "script"), pid(pids, "child"));

    toolkit.destroy(); // SIGTERM, as StopTrainingJob
    assertThat(toolkit.waitFor(20, TimeUnit.SECONDS))
        .as("the toolkit ends within the grace period")
        .isTrue();

    String log = Files.readString(temp.resolve("train.log"));
    assertThat(toolkit.exitValue()).as(log).isEqualTo(143);
    assertThat(Files.readString(job.failure())).contains("SIGTERM");
    assertThat(job.success()).doesNotExist();
    for (long pid : started) {
      assertThat(running(pid)).as("process %d is gone; %s", pid, log).isFalse();
    }
  }

  /** True while the process runs; a zombie waiting for PID 1 to reap it no longer runs. */
  private static boolean running(long pid) throws Exception {
    Path stat = Path.of("/proc/" + pid + "/stat");
    if (!Files.exists(stat)) {
      return false;
    }
    try {
      String text = Files.readString(stat);
      char state = text.charAt(text.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    }
  }

  private static long pid(Path pids, String name) throws Exception {
    Path file = pids.resolve(name);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (Files.readString(file).isBlank()) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(20);
    }
    return Long.parseLong(Files.readString(file).strip());
  }
}
