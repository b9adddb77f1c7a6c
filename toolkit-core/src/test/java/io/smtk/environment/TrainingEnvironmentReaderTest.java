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
