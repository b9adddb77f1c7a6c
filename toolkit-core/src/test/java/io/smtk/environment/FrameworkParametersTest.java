package io.smtk.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tests for {@link FrameworkParameters}. */
class FrameworkParametersTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static FrameworkParameters params(String json) throws Exception {
    return FrameworkParameters.of(
        (ObjectNode) MAPPER.readTree(json), "/opt/ml/input/config/hyperparameters.json");
  }

  @Test
  void get_absentOrNull_returnsTheKnobsDefault() throws Exception {
    FrameworkParameters params = params("{\"sagemaker_mpi_custom_mpi_options\": null}");

    assertThat(params.get(FrameworkParameters.MPI_CUSTOM_OPTIONS)).isEmpty();
    assertThat(params.get(FrameworkParameters.NUM_PROCESSES)).isZero();
    assertThat(params.get(FrameworkParameters.PROGRAM)).isNull();
    assertThat(params.find(FrameworkParameters.PROCESSES_PER_HOST)).isEmpty();
  }

  @Test
  void get_wrongType_throwsNamingKeyAndFile() throws Exception {
    FrameworkParameters params =
        params("{\"sagemaker_mpi_custom_mpi_options\": 5, \"sagemaker_program\": [1]}");

    assertThatThrownBy(() -> params.get(FrameworkParameters.MPI_CUSTOM_OPTIONS))
        .isInstanceOf(InvalidTrainingConfigException.class)
        .hasMessageContaining(
            "'sagemaker_mpi_custom_mpi_options' in /opt/ml/input/config/hyperparameters.json")
        .hasMessageContaining("must be a string");
    assertThatThrownBy(() -> params.get(FrameworkParameters.PROGRAM))
        .hasMessageContaining("'sagemaker_program'");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "true|true",
        "false|false",
        "null|false",
        "0|false",
        "0.0|false",
        "1|true",
        "\"\"|false",
        "\"false\"|true",
        "[]|false",
        "[0]|true",
        "{}|false",
        "{\"a\":1}|true"
      })
  void isOn_values_followPythonTruthiness(String value, boolean expected) throws Exception {
    assertThat(
            params("{\"sagemaker_mpi_enabled\": " + value + "}")
                .isOn(FrameworkParameters.MPI_ENABLED))
        .isEqualTo(expected);
  }

  @Test
  void additional_reservedKeys_leftOut() throws Exception {
    FrameworkParameters params =
        params(
            "{\"sagemaker_program\": \"t.py\", \"_tuning_objective_metric\": \"a\","
                + " \"sagemaker_mpi_enabled\": true, \"sagemaker_something_new\": 1, \"sagemaker_region\": \"x\"}");

    assertThat(params.additional().toString())
        .isEqualTo("{\"sagemaker_mpi_enabled\":true,\"sagemaker_something_new\":1}");
    assertThat(FrameworkParameters.isFrameworkKey("_tuning_objective_metric")).isTrue();
    assertThat(FrameworkParameters.isFrameworkKey("default_user_module_name")).isTrue();
    assertThat(FrameworkParameters.isFrameworkKey("lr")).isFalse();
  }

  @Test
  void distributionFlags_areTheSevenFlagsOfTheReference() {
    assertThat(FrameworkParameters.distributionFlags().stream().map(FrameworkParameters.Knob::name))
        .containsExactlyInAnyOrder(
            "sagemaker_mpi_enabled",
            "sagemaker_parameter_server_enabled",
            "sagemaker_distributed_dataparallel_enabled",
            "sagemaker_pytorch_ddp_enabled",
            "sagemaker_pytorch_xla_multi_worker_enabled",
            "sagemaker_multi_worker_mirrored_strategy_enabled",
            "sagemaker_torch_distributed_enabled");
  }

  @Test
  void withOverrides_truthyValuesOnly_replaceTheHyperparameters() throws Exception {
    FrameworkParameters params =
        params("{\"sagemaker_mpi_num_of_processes_per_host\": 2}")
            .withOverrides(
                (ObjectNode)
                    MAPPER.readTree(
                        "{\"sagemaker_mpi_num_of_processes_per_host\": 0, \"sagemaker_mpi_custom_mpi_options\": \"-v\"}"));

    assertThat(params.get(FrameworkParameters.PROCESSES_PER_HOST)).isEqualTo(2);
    assertThat(params.get(FrameworkParameters.MPI_CUSTOM_OPTIONS)).isEqualTo("-v");
    assertThat(params.get(FrameworkParameters.DISTRIBUTION_INSTANCE_GROUPS)).isEqualTo(List.of());
  }
}
