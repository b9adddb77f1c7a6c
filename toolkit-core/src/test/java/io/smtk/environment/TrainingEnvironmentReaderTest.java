package io.smtk.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link TrainingEnvironmentReader}. */
class TrainingEnvironmentReaderTest {

  private static final TrainingEnvironmentReader READER =
      TrainingEnvironmentReader.withHardware(new Hardware(4, 0, 0));

  @TempDir Path base;

  @BeforeEach
  void layOut() throws IOException {
    Files.createDirectories(base.resolve("input/config"));
    write("hyperparameters.json", "{\"sagemaker_program\": \"\\\"train.py\\\"\"}");
    write("inputdataconfig.json", "{\"train\": {\"TrainingInputMode\": \"File\"}}");
    write("resourceconfig.json", "{\"current_host\": \"algo-1\", \"hosts\": [\"algo-1\"]}");
  }

  @Test
  void read_minimalResourceConfig_usesDefaults() throws Exception {
    TrainingEnvironment environment = read(Map.of());

    assertThat(environment.currentInstanceType()).isEqualTo("local");
    assertThat(environment.currentInstanceGroup()).isEqualTo("homogeneousCluster");
    assertThat(environment.networkInterfaceName()).isEqualTo("eth0");
    assertThat(environment.currentInstanceGroupHosts()).isEmpty();
    // Without instance groups every host takes part (the Python toolkit's local mode).
    assertThat(environment.distributionHosts()).containsExactly("algo-1");
    assertThat(environment.masterHostname()).isEqualTo("algo-1");
    assertThat(environment.userEntryPoint()).contains("train.py");
    assertThat(environment.moduleName()).isEqualTo("train");
    assertThat(environment.channelInputDirs())
        .containsEntry("train", base.resolve("input/data/train"));
    assertThat(environment.numCpus()).isEqualTo(4);
  }

  @Test
  void read_mpiEnabledWithGroups_masterIsFirstHostOfGroupList() throws Exception {
    write(
        "hyperparameters.json",
        "{\"sagemaker_mpi_enabled\": \"true\", \"sagemaker_program\": \"\\\"t.py\\\"\"}");
    write(
        "resourceconfig.json",
        "{\"current_host\": \"algo-1\", \"hosts\": [\"algo-1\", \"algo-2\"],"
            + " \"current_group_name\": \"g\", \"instance_groups\": [{\"instance_group_name\": \"g\","
            + " \"instance_type\": \"ml.p3.2xlarge\", \"hosts\": [\"algo-2\", \"algo-1\"]}]}");

    TrainingEnvironment environment = read(Map.of());

    assertThat(environment.distributionInstanceGroups()).containsExactly("g");
    assertThat(environment.distributionHosts()).containsExactly("algo-2", "algo-1");
    assertThat(environment.masterHostname()).isEqualTo("algo-2");
    assertThat(environment.isMaster()).isFalse();
    assertThat(
            environment.additionalFrameworkParameters().get("sagemaker_mpi_enabled").booleanValue())
        .isTrue();
    assertThat(environment.hyperparameters().size()).isZero();
  }

  @Test
  void read_programFromEnvironment_winsOverHyperparameter() throws Exception {
    assertThat(read(Map.of("SAGEMAKER_PROGRAM", "other.sh")).userEntryPoint()).contains("other.sh");
  }

  @Test
  void read_hyperparameterNotJson_keptAsRawString() throws Exception {
    write("hyperparameters.json", "{\"a\": \"[1, 2\", \"b\": \" 2 \", \"c\": \"NaN\", \"d\": 5}");

    var hyperparameters = read(Map.of()).hyperparameters();

    assertThat(hyperparameters.get("a").textValue()).isEqualTo("[1, 2");
    assertThat(hyperparameters.get("b").intValue()).isEqualTo(2);
    assertThat(hyperparameters.get("c").doubleValue()).isNaN();
    assertThat(hyperparameters.get("d").intValue()).isEqualTo(5);
  }

  @Test
  void read_missingResourceConfig_namesFile() throws Exception {
    Files.delete(base.resolve("input/config/resourceconfig.json"));

    assertThatThrownBy(() -> read(Map.of()))
        .isInstanceOf(InvalidTrainingConfigException.class)
        .hasMessageContaining(base.resolve("input/config/resourceconfig.json").toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void read_malformedHyperparameters_namesFileAndLine() throws Exception {
    write("hyperparameters.json", "{\n  \"lr\": \"0.1\",\n  oops\n}");

    assertThatThrownBy(() -> read(Map.of()))
        .isInstanceOf(InvalidTrainingConfigException.class)
        .hasMessageContaining("hyperparameters.json is not valid JSON")
        .hasMessageContaining("line 3");
  }

  @Test
  void read_hyperparametersNotObject_saysWhatItFound() throws Exception {
    write("hyperparameters.json", "[1, 2]");

    assertThatThrownBy(() -> read(Map.of()))
        .hasMessageContaining("must hold a JSON object, not an array");
  }

  @Test
  void read_currentHostNotString_namesKey() throws Exception {
    write("resourceconfig.json", "{\"current_host\": 1, \"hosts\": [\"algo-1\"]}");

    assertThatThrownBy(() -> read(Map.of()))
        .hasMessageContaining("'current_host'")
        .hasMessageContaining("must be a string, not the number 1");
  }

  @Test
  void read_currentHostNotInHosts_namesBoth() throws Exception {
    write("resourceconfig.json", "{\"current_host\": \"algo-9\", \"hosts\": [\"algo-1\"]}");

    assertThatThrownBy(() -> read(Map.of()))
        .hasMessageContaining("\"algo-9\"")
        .hasMessageContaining("[algo-1]");
  }

  @Test
  void read_channelNameWithSlash_rejected() throws Exception {
    write("inputdataconfig.json", "{\"../etc\": {}}");

    assertThatThrownBy(() -> read(Map.of()))
        .isInstanceOf(InvalidTrainingConfigException.class)
        .hasMessageContaining("Channel name \"../etc\"");
  }

  @Test
  void read_missingBaseDir_pointsToSetting() {
    assertThatThrownBy(
            () ->
                READER.read(
                    ToolkitSettings.from(
                        Map.of("SAGEMAKER_BASE_DIR", base.resolve("nope").toString()))))
        .hasMessageContaining("does not exist (from SAGEMAKER_BASE_DIR)");
  }

  @Test
  void from_badGraceSeconds_namesVariable() {
    assertThatThrownBy(() -> ToolkitSettings.from(Map.of("SMTK_STOP_GRACE_SECONDS", "soon")))
        .isInstanceOf(InvalidTrainingConfigException.class)
        .hasMessageContaining("SMTK_STOP_GRACE_SECONDS='soon'");
  }

  @Test
  void read_duplicateHosts_isAConfigurationErrorNamingTheHost() throws Exception {
    write(
        "resourceconfig.json",
        "{\"current_host\": \"algo-1\", \"hosts\": [\"algo-1\", \"algo-2\", \"algo-1\"]}");

    assertThatThrownBy(() -> read(Map.of()))
        .isInstanceOf(InvalidTrainingConfigException.class)
        .hasMessageContaining("'hosts' in " + base.resolve("input/config/resourceconfig.json"))
        .hasMessageContaining("lists \"algo-1\" more than once");
  }

  @Test
  void read_nulInAHyperparameterName_namesTheKeyAndFile() throws Exception {
    write("hyperparameters.json", "{\"lr\": \"0.1\", \"bad\\u0000key\": \"1\"}");

    assertThatThrownBy(() -> read(Map.of()))
        .isInstanceOf(InvalidTrainingConfigException.class)
        .hasMessageContaining(
            "Key \"bad\\u0000key\" in " + base.resolve("input/config/hyperparameters.json"))
        .hasMessageContaining("NUL character");
  }

  @Test
  void read_equalsSignInAHyperparameterName_namesTheKey() throws Exception {
    write("hyperparameters.json", "{\"a=b\": \"1\"}");

    assertThatThrownBy(() -> read(Map.of()))
        .isInstanceOf(InvalidTrainingConfigException.class)
        .hasMessageContaining("Hyperparameter \"a=b\" in ")
        .hasMessageContaining("its name holds '='");
  }

  @Test
  void read_nulInADecodedValue_namesTheKey() throws Exception {
    // The value's own JSON spells NUL as an escape: only decoding shows it.
    write("hyperparameters.json", "{\"name\": \"\\\"a\\\\u0000b\\\"\"}");

    assertThatThrownBy(() -> read(Map.of()))
        .isInstanceOf(InvalidTrainingConfigException.class)
        .hasMessageContaining("Hyperparameter \"name\" in ")
        .hasMessageContaining("its value holds a NUL character");
  }

  @Test
  void read_loneSurrogate_namesTheKeyInsteadOfWritingAQuestionMark() throws Exception {
    write("hyperparameters.json", "{\"word\": \"\\\"caf\\\\ud800\\\"\"}");

    assertThatThrownBy(() -> read(Map.of()))
        .isInstanceOf(InvalidTrainingConfigException.class)
        .hasMessageContaining("Hyperparameter \"word\" in ")
        .hasMessageContaining("a lone surrogate (\\ud800)");
  }

  @Test
  void read_loneSurrogateInAName_namesTheKey() throws Exception {
    write("hyperparameters.json", "{\"x\\udc00\": \"1\"}");

    assertThatThrownBy(() -> read(Map.of()))
        .isInstanceOf(InvalidTrainingConfigException.class)
        .hasMessageContaining("Key \"x\\udc00\" in ")
        .hasMessageContaining("lone surrogate");
  }

  @Test
  void read_equalsSignInAChannelName_namesTheChannel() throws Exception {
    write("inputdataconfig.json", "{\"a=b\": {}}");

    assertThatThrownBy(() -> read(Map.of()))
        .isInstanceOf(InvalidTrainingConfigException.class)
        .hasMessageContaining("Channel name \"a=b\"")
        .hasMessageContaining("SM_CHANNEL_*");
  }

  @Test
  void read_configFileLargerThanTheLimit_namesTheFile() throws Exception {
    StringBuilder json = new StringBuilder("{");
    for (int i = 0; json.length() <= ConfigFiles.MAX_FILE_BYTES; i++) {
      json.append("\"k").append(i).append("\": \"").append("v".repeat(1000)).append("\", ");
    }
    json.append("\"last\": \"1\"}");
    write("hyperparameters.json", json.toString());

    assertThatThrownBy(() -> read(Map.of()))
        .isInstanceOf(InvalidTrainingConfigException.class)
        .hasMessageContaining(
            "Configuration file "
                + base.resolve("input/config/hyperparameters.json")
                + " is larger than "
                + ConfigFiles.MAX_FILE_BYTES
                + " bytes");
  }

  @Test
  void read_sageMakersLargestHyperparameters_areAccepted() throws Exception {
    // 100 keys of 256 characters and values of 2,500, each character escaped as SageMaker may.
    StringBuilder json = new StringBuilder("{");
    for (int i = 0; i < 100; i++) {
      String name = String.format("%03d", i) + "n".repeat(253);
      json.append(i == 0 ? "" : ", ")
          .append('"')
          .append(name)
          .append("\": \"")
          .append("\\u00e9".repeat(2500))
          .append('"');
    }
    write("hyperparameters.json", json.append('}').toString());

    assertThat(read(Map.of()).hyperparameters().size()).isEqualTo(100);
  }

  private TrainingEnvironment read(Map<String, String> extra) throws Exception {
    Map<String, String> env = new java.util.HashMap<>(extra);
    env.put("SAGEMAKER_BASE_DIR", base.toString());
    env.put("PATH", "/usr/bin:/bin");
    return READER.read(ToolkitSettings.from(env));
  }

  private void write(String name, String text) throws IOException {
    Files.writeString(base.resolve("input/config").resolve(name), text);
  }
}
