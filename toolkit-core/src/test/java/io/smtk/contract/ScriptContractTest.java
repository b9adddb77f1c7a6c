package io.smtk.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smtk.environment.Hardware;
import io.smtk.environment.ToolkitSettings;
import io.smtk.environment.TrainingEnvironment;
import io.smtk.environment.TrainingEnvironmentReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link ScriptContract}. */
class ScriptContractTest {

  @TempDir Path base;

  @Test
  void arguments_keysSortedByCodePoint_upperCaseFirstAndOneLetterShort() throws Exception {
    assertThat(
            ScriptContract.arguments(
                hps("{\"lr\": 0.1, \"LR\": 0.2, \"x\": 3, \"b-c\": 1, \"b_c\": 2, \"\": 42}")))
        .containsExactly(
            "", "42", "--LR", "0.2", "--b-c", "1", "--b_c", "2", "--lr", "0.1", "-x", "3");
  }

  @Test
  void arguments_pythonStrSpelling_forEveryType() throws Exception {
    List<String> arguments =
        ScriptContract.arguments(
            hps(
                "{\"a_none\": null, \"b_true\": true, \"c_false\": false, \"d_float\": 1e-05, \"e_int\": 12345678901234567890,"
                    + " \"f_list\": [1, \"a\", true, null, 1.5], \"g_dict\": {\"z\": null, \"b\": [1, 2]}, \"h_empty\": {},"
                    + " \"i_unicode\": \"h\u00e9llo\", \"j_float\": 100000.0}"));

    assertThat(arguments)
        .containsExactly(
            "--a_none",
            "",
            "--b_true",
            "True",
            "--c_false",
            "False",
            "--d_float",
            "1e-05",
            "--e_int",
            "12345678901234567890",
            "--f_list",
            "[1, 'a', True, None, 1.5]",
            "--g_dict",
            "b=[1, 2],z=None",
            "--h_empty",
            "",
            "--i_unicode",
            "h\u00e9llo",
            "--j_float",
            "100000.0");
  }

  @Test
  void variableName_keepsDashesDotsAndUpperCasesUnicode() {
    assertThat(ScriptContract.variableName("hp_batch-size")).isEqualTo("SM_HP_BATCH-SIZE");
    assertThat(ScriptContract.variableName("channel_data.v1")).isEqualTo("SM_CHANNEL_DATA.V1");
    assertThat(ScriptContract.variableName("hp_stra\u00dfe")).isEqualTo("SM_HP_STRASSE");
  }

  @Test
  void environmentVariables_jsonCompactSortedAsciiAndRawStrings() throws Exception {
    TrainingEnvironment environment =
        environment(
            "{\"name\": \"\\\"r\\u00e9snet\\\"\", \"lr\": \"0.01\", \"layers\": \"[1, 2]\", \"opts\": \"{\\\"b\\\": 1, \\\"a\\\": [true]}\","
                + " \"sagemaker_program\": \"\\\"t.py\\\"\", \"sagemaker_mpi_enabled\": \"true\"}");

    Map<String, String> variables = ScriptContract.environmentVariables(environment);

    assertThat(variables.get("SM_HP_NAME")).isEqualTo("r\u00e9snet");
    assertThat(variables.get("SM_HP_LR")).isEqualTo("0.01");
    assertThat(variables.get("SM_HP_LAYERS")).isEqualTo("[1,2]");
    assertThat(variables.get("SM_HP_OPTS")).isEqualTo("{\"a\":[true],\"b\":1}");
    assertThat(variables.get("SM_HPS"))
        .isEqualTo(
            "{\"layers\":[1,2],\"lr\":0.01,\"name\":\"r\\u00e9snet\",\"opts\":{\"a\":[true],\"b\":1}}");
    assertThat(variables.get("SM_FRAMEWORK_PARAMS")).isEqualTo("{\"sagemaker_mpi_enabled\":true}");
    assertThat(variables.get("SM_USER_ARGS"))
        .isEqualTo(
            "[\"--layers\",\"[1, 2]\",\"--lr\",\"0.01\",\"--name\",\"r\\u00e9snet\",\"--opts\",\"a=[True],b=1\"]");
    assertThat(variables.get("SM_CHANNELS")).isEqualTo("[\"a-1\",\"b\"]");
    assertThat(variables.get("SM_CHANNEL_A-1"))
        .isEqualTo(base.resolve("input/data/a-1").toString());
    assertThat(variables.get("SM_USER_ENTRY_POINT")).isEqualTo("t.py");
    assertThat(variables.get("SM_FRAMEWORK_MODULE")).isEmpty();
    assertThat(variables.get("SM_NUM_CPUS")).isEqualTo("3");
    assertThat(variables).doesNotContainKey("SM_TOPOLOGY");
    assertThat(List.copyOf(variables.keySet()).subList(0, 3))
        .containsExactly("SM_HOSTS", "SM_NETWORK_INTERFACE_NAME", "SM_HPS");
  }

  @Test
  void trainingEnv_hasThe37Properties() throws Exception {
    ObjectNode env = ScriptContract.trainingEnv(environment("{}"));

    assertThat(env.size()).isEqualTo(37);
    assertThat(env.get("framework_module").isNull()).isTrue();
    assertThat(env.get("user_entry_point").isNull()).isTrue();
    assertThat(env.get("module_name").textValue()).isEqualTo("None");
    assertThat(env.get("is_modelparallel_enabled").isNull()).isTrue();
  }

  @Test
  void environmentVariables_caseCollision_laterKeyWins() throws Exception {
    Map<String, String> variables =
        ScriptContract.environmentVariables(environment("{\"lr\": \"0.1\", \"LR\": \"0.2\"}"));

    assertThat(variables.get("SM_HP_LR")).isEqualTo("0.2");
  }

  private TrainingEnvironment environment(String hyperparameters) throws Exception {
    Files.createDirectories(base.resolve("input/config"));
    Files.writeString(base.resolve("input/config/hyperparameters.json"), hyperparameters);
    Files.writeString(
        base.resolve("input/config/inputdataconfig.json"), "{\"b\": {}, \"a-1\": {}}");
    Files.writeString(
        base.resolve("input/config/resourceconfig.json"),
        "{\"current_host\": \"algo-1\", \"hosts\": [\"algo-1\"]}");
    return TrainingEnvironmentReader.withHardware(new Hardware(3, 0, 0))
        .read(ToolkitSettings.from(Map.of("SAGEMAKER_BASE_DIR", base.toString())));
  }

  private static ObjectNode hps(String json) throws Exception {
    return (ObjectNode) io.smtk.python.PythonJson.loads(json);
  }
}
