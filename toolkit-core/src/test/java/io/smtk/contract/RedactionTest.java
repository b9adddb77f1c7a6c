package io.smtk.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smtk.contract.ScriptContract.Contract;
import io.smtk.environment.Hardware;
import io.smtk.environment.ToolkitSettings;
import io.smtk.environment.TrainingEnvironment;
import io.smtk.environment.TrainingEnvironmentReader;
import io.smtk.process.CommandLine;
import io.smtk.python.PythonJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link Redaction}. */
class RedactionTest {

  private static final String PASSWORD = "hunter2 it's \"quoted\"";

  @TempDir Path base;

  @Test
  void isSecretName_fragmentNotFollowedByALetter_secret() {
    List<String> fragments = Redaction.DEFAULT_NAME_FRAGMENTS;

    assertThat(List.of("db_password", "HF_TOKEN", "apiKey", "api-key", "password2", "aws.secret"))
        .allMatch(name -> Redaction.isSecretName(name, fragments), "secret");
    assertThat(List.of("max_tokens", "tokenizer", "learning_rate", "passwordless", "epochs"))
        .noneMatch(name -> Redaction.isSecretName(name, fragments), "secret");
    assertThat(Redaction.isSecretName("warehouse_dsn", List.of("dsn"))).isTrue();
  }

  @Test
  void apply_everyRenderingTheToolkitShows_hidesTheValueOnly() throws Exception {
    TrainingEnvironment environment =
        environment(
            "{\"db_password\": "
                + PythonJson.dumps(com.fasterxml.jackson.databind.node.TextNode.valueOf(PASSWORD))
                + ", \"epochs\": 3, \"creds\": {\"api_key\": \"k-1234567890\", \"user\": \"bob\"}}");
    Contract contract = ScriptContract.render(environment);
    Redaction redaction = Redaction.of(environment.hyperparameters(), List.of());
    List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "train.py"));
    command.addAll(contract.arguments());
    StringBuilder log = new StringBuilder(PythonJson.dumps(contract.trainingEnv())).append('\n');
    contract.variables().forEach((k, v) -> log.append(k).append('=').append(v).append('\n'));
    log.append(CommandLine.render(command)).append('\n');
    // How mpirun's rank command is shown: the whole sh -c line quoted once more.
    log.append(CommandLine.render(List.of("/bin/sh", "-c", CommandLine.render(command))));

    String shown = redaction.apply(log.toString());

    assertThat(shown)
        .doesNotContain("hunter2")
        .doesNotContain("k-1234567890")
        .contains("--db_password ****")
        .contains("SM_HP_DB_PASSWORD=****")
        .contains("\"db_password\":\"****\"")
        .contains("\"--db_password\",\"****\"")
        .contains("\"api_key\":\"****\"")
        .contains("api_key=****")
        .contains("--epochs 3")
        .contains("bob");
  }

  @Test
  void apply_longValueAnywhere_hiddenAndShortValueOnlyInContext() throws Exception {
    Redaction redaction =
        Redaction.of(
            hps("{\"api_token\": \"tok-0123456789\", \"pin\": 1, \"pwd\": \"ab\"}"), List.of());

    assertThat(redaction.apply("ValueError: cannot log in with tok-0123456789\nExitCode 1"))
        .isEqualTo("ValueError: cannot log in with ****\nExitCode 1");
    assertThat(redaction.apply("--pwd ab --epochs 1 ab")).isEqualTo("--pwd **** --epochs 1 ab");
  }

  @Test
  void of_noSecretName_hidesNothing() throws Exception {
    Redaction redaction = Redaction.of(hps("{\"lr\": 0.1, \"max_tokens\": 512}"), List.of());

    assertThat(redaction.hidesAnything()).isFalse();
    assertThat(redaction.apply("--max_tokens 512")).isEqualTo("--max_tokens 512");
  }

  @Test
  void of_extraFragment_hidesThatNameToo() throws Exception {
    Redaction redaction =
        Redaction.of(hps("{\"warehouse_dsn\": \"postgres://u:p@h/db\"}"), List.of("DSN"));

    assertThat(redaction.apply("--warehouse_dsn postgres://u:p@h/db"))
        .isEqualTo("--warehouse_dsn ****");
  }

  private TrainingEnvironment environment(String hyperparameters) throws Exception {
    Files.createDirectories(base.resolve("input/config"));
    Files.writeString(base.resolve("input/config/hyperparameters.json"), hyperparameters);
    Files.writeString(base.resolve("input/config/inputdataconfig.json"), "{}");
    Files.writeString(
        base.resolve("input/config/resourceconfig.json"),
        "{\"current_host\": \"algo-1\", \"hosts\": [\"algo-1\"]}");
    return TrainingEnvironmentReader.withHardware(new Hardware(1, 0, 0))
        .read(ToolkitSettings.from(Map.of("SAGEMAKER_BASE_DIR", base.toString())));
  }

  private static ObjectNode hps(String json) throws Exception {
    return (ObjectNode) PythonJson.loads(json);
  }
}
