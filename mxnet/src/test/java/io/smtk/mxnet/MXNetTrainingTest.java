package io.smtk.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.environment.Hardware;
import io.smtk.environment.ToolkitSettings;
import io.smtk.environment.TrainingEnvironmentReader;
import io.smtk.testing.JobTree;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link MXNetTraining}. */
class MXNetTrainingTest {

  @TempDir Path dir;

  @Test
  void roleVariables_eachRole_containerVariables() {
    for (MXNetTraining.Role role : MXNetTraining.Role.values()) {
      assertThat(MXNetTraining.roleVariables(role, 3, "10.0.0.1", "8000", "0")).containsExactly(
          Map.entry("DMLC_NUM_WORKER", "3"), Map.entry("DMLC_NUM_SERVER", "3"),
          Map.entry("DMLC_ROLE", role.name().toLowerCase(java.util.Locale.ROOT)),
          Map.entry("DMLC_PS_ROOT_URI", "10.0.0.1"), Map.entry("DMLC_PS_ROOT_PORT", "8000"), Map.entry("PS_VERBOSE", "0"));
    }
  }

  @Test
  void hyperparameter_numericPort_stringified() throws Exception {
    JobTree job = JobTree.create(dir.resolve("opt/ml")).config("hyperparameters.json", "{\"_ps_port\": \"8001\"}");
    var environment = TrainingEnvironmentReader.withHardware(new Hardware(1, 0, 0))
        .read(ToolkitSettings.from(Map.of("SAGEMAKER_BASE_DIR", job.base().toString())));

    assertThat(MXNetTraining.hyperparameter(environment, "_ps_port", "8000")).isEqualTo("8001");
    assertThat(MXNetTraining.hyperparameter(environment, "_ps_verbose", "0")).isEqualTo("0");
  }
}
