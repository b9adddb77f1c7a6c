package io.smtk.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smtk.environment.FrameworkParameters;
import io.smtk.environment.InvalidTrainingConfigException;
import io.smtk.framework.RunnerType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Tests for {@link RunnerSelection}. */
class RunnerSelectionTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final List<String> GROUPS = List.of("homogeneousCluster");

  private static FrameworkParameters json(String text) throws Exception {
    return FrameworkParameters.of((ObjectNode) MAPPER.readTree(text));
  }

  @Test
  void forScriptMode_mpiEnabledInDistributionGroup_choosesMpi() throws Exception {
    assertThat(
            RunnerSelection.forScriptMode(
                json("{\"sagemaker_mpi_enabled\":true}"), "homogeneousCluster", GROUPS))
        .isEqualTo(RunnerType.MPI);
  }

  @Test
  void forScriptMode_mpiEnabledOutsideDistributionGroup_choosesProcess() throws Exception {
    assertThat(
            RunnerSelection.forScriptMode(
                json("{\"sagemaker_mpi_enabled\":true}"), "other", GROUPS))
        .isEqualTo(RunnerType.PROCESS);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "{\"sagemaker_mpi_enabled\":false}",
        "{\"sagemaker_mpi_enabled\":0}",
        "{\"sagemaker_mpi_enabled\":\"\"}",
        "{\"sagemaker_mpi_enabled\":null}"
      })
  void forScriptMode_mpiFalsy_choosesProcess(String params) throws Exception {
    assertThat(RunnerSelection.forScriptMode(json(params), "homogeneousCluster", GROUPS))
        .isEqualTo(RunnerType.PROCESS);
  }

  @ParameterizedTest
  @CsvSource({"0,0,1", "2,0,2", "0,2,2", "4,2,4"})
  void defaultProcessesPerHost_gpusThenNeuronsThenOne(int gpus, int neurons, int expected) {
    assertThat(RunnerSelection.defaultProcessesPerHost(gpus, neurons)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{}|3",
        "{\"sagemaker_mpi_num_of_processes_per_host\":null}|3",
        "{\"sagemaker_mpi_num_of_processes_per_host\":2}|2",
        "{\"sagemaker_mpi_num_of_processes_per_host\":\"2\"}|2",
        "{\"sagemaker_mpi_num_of_processes_per_host\":2.0}|2"
      })
  void processesPerHost_values_coercedToInt(String params, int expected) throws Exception {
    assertThat(RunnerSelection.processesPerHost(json(params), 3)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"two\"", "2.5", "0", "-1", "true", "[2]"})
  void processesPerHost_invalid_throwsNamingHyperparameter(String value) throws Exception {
    FrameworkParameters params =
        json("{\"sagemaker_mpi_num_of_processes_per_host\":" + value + "}");

    assertThatThrownBy(() -> RunnerSelection.processesPerHost(params, 1))
        .isInstanceOf(InvalidTrainingConfigException.class)
        .hasMessageContaining("sagemaker_mpi_num_of_processes_per_host");
  }

  @Test
  void numProcesses_absentOrSet_returnsZeroOrValue() throws Exception {
    assertThat(RunnerSelection.numProcesses(json("{}"))).isZero();
    assertThat(RunnerSelection.numProcesses(json("{\"sagemaker_mpi_num_processes\":\"4\"}")))
        .isEqualTo(4);
    assertThatThrownBy(
            () -> RunnerSelection.numProcesses(json("{\"sagemaker_mpi_num_processes\":-2}")))
        .isInstanceOf(InvalidTrainingConfigException.class);
  }
}
