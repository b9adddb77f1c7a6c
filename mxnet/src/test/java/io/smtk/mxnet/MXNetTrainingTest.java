package io.smtk.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link MXNetTraining}. */
class MXNetTrainingTest {

  @Test
  void roleVariables_eachRole_containerVariables() {
    for (MXNetTraining.Role role : MXNetTraining.Role.values()) {
      assertThat(MXNetTraining.roleVariables(role, 3, "10.0.0.1", "8000", "0"))
          .containsExactly(
              Map.entry("DMLC_NUM_WORKER", "3"),
              Map.entry("DMLC_NUM_SERVER", "3"),
              Map.entry("DMLC_ROLE", role.name().toLowerCase(java.util.Locale.ROOT)),
              Map.entry("DMLC_PS_ROOT_URI", "10.0.0.1"),
              Map.entry("DMLC_PS_ROOT_PORT", "8000"),
              Map.entry("PS_VERBOSE", "0"));
    }
  }
}
