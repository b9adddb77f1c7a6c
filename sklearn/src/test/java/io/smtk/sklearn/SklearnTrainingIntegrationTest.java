package io.smtk.sklearn;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.testing.JobTree;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link SklearnTraining}: a real scikit-learn job (Debian's python3-sklearn) run by
 * {@code bin/smtk train}, reading hyperparameters and a data channel, writing a model that is
 * loaded back and scored.
 */
class SklearnTrainingIntegrationTest {

  private static final String TRAIN =
      String.join(
          "\n",
          "import argparse, os, pickle",
          "import numpy as np",
          "from sklearn.ensemble import RandomForestClassifier",
          "parser = argparse.ArgumentParser()",
          "parser.add_argument('--n-estimators', type=int)",
          "parser.add_argument('--max-depth', type=int)",
          "args = parser.parse_args()",
          "data = np.loadtxt(os.path.join(os.environ['SM_CHANNEL_TRAIN'], 'iris.csv'), delimiter=',')",
          "model = RandomForestClassifier(n_estimators=args.n_estimators, max_depth=args.max_depth, random_state=0)",
          "model.fit(data[:, :-1], data[:, -1])",
          "with open(os.path.join(os.environ['SM_MODEL_DIR'], 'model.pkl'), 'wb') as f:",
          "    pickle.dump(model, f)",
          "print('trained', model.n_estimators, 'trees')",
          "");

  @TempDir Path dir;

  @Test
  void train_irisClassifier_modelLoadsAndScores() throws Exception {
    JobTree job =
        JobTree.create(dir.resolve("opt/ml"))
            .config(
                "hyperparameters.json",
                "{\"n-estimators\": \"25\", \"max-depth\": \"4\", \"sagemaker_program\": \"\\\"train.py\\\"\"}")
            .code("train.py", TRAIN)
            .channelFile("train", "iris.csv", irisCsv());

    JobTree.Result result =
        job.train(
            Map.of("SAGEMAKER_TRAINING_MODULE", SklearnTraining.MODULE), Duration.ofMinutes(3));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("trained 25 trees")
        .contains("scikit-learn training: runner PROCESS");
    assertThat(job.success()).exists();
    String score =
        python(
            "import pickle, sys\nfrom sklearn.datasets import load_iris\n"
                + "m = pickle.load(open(sys.argv[1], 'rb'))\nx, y = load_iris(return_X_y=True)\n"
                + "print(m.n_estimators, m.max_depth, round(m.score(x, y), 3))",
            job.model("model.pkl").toString());
    String[] parts = score.strip().split(" ");
    assertThat(parts[0]).isEqualTo("25");
    assertThat(parts[1]).isEqualTo("4");
    assertThat(Double.parseDouble(parts[2])).isGreaterThan(0.9);
  }

  @Test
  void train_scriptFails_failureFileAndExitCode() throws Exception {
    JobTree job =
        JobTree.create(dir.resolve("opt/ml"))
            .config("hyperparameters.json", "{\"sagemaker_program\": \"\\\"train.py\\\"\"}")
            .code(
                "train.py",
                "from sklearn.ensemble import RandomForestClassifier\nRandomForestClassifier(n_estimators=-1).fit([[0]], [0])\n");

    JobTree.Result result =
        job.train(
            Map.of("SAGEMAKER_TRAINING_MODULE", SklearnTraining.MODULE), Duration.ofMinutes(3));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(job.failure())
        .content()
        .startsWith("ExecuteUserScriptError:")
        .contains("n_estimators");
    assertThat(job.success()).doesNotExist();
  }

  private static String irisCsv() throws Exception {
    return python(
        "from sklearn.datasets import load_iris\nx, y = load_iris(return_X_y=True)\n"
            + "print('\\n'.join(','.join(str(v) for v in list(r) + [t]) for r, t in zip(x, y)))");
  }

  private static String python(String script, String... args) throws Exception {
    String[] command = new String[args.length + 3];
    command[0] = "/usr/bin/python3";
    command[1] = "-c";
    command[2] = script;
    System.arraycopy(args, 0, command, 3, args.length);
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
