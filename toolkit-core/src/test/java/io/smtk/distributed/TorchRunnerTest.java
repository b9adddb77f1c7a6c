package io.smtk.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtk.code.EntryPoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link TorchRunner}. */
class TorchRunnerTest {

  private static LaunchPlan.Builder plan() {
    return LaunchPlan.builder()
        .hosts(List.of("algo-1", "algo-2"))
        .currentHost("algo-2")
        .processesPerHost(2)
        .entryPoint(EntryPoint.Type.PYTHON_PROGRAM, "train.py");
  }

  @Test
  void rankEnvironments_secondHostTwoSlots_matchesTorchrun() throws Exception {
    List<Map<String, String>> ranks = TorchRunner.rankEnvironments(plan().build());

    assertThat(ranks).hasSize(2);
    assertThat(ranks.get(1))
        .containsExactly(
            Map.entry("MASTER_ADDR", "algo-1"),
            Map.entry("MASTER_PORT", "7777"),
            Map.entry("WORLD_SIZE", "4"),
            Map.entry("RANK", "3"),
            Map.entry("LOCAL_RANK", "1"),
            Map.entry("LOCAL_WORLD_SIZE", "2"),
            Map.entry("GROUP_RANK", "1"),
            Map.entry("GROUP_WORLD_SIZE", "2"),
            Map.entry("ROLE_NAME", "default"),
            Map.entry("ROLE_RANK", "3"),
            Map.entry("ROLE_WORLD_SIZE", "4"));
  }

  @Test
  void rankEnvironments_singleHost_usesTorchrunLocalDefaults() throws Exception {
    Map<String, String> rank =
        TorchRunner.rankEnvironments(
                plan().hosts(List.of("algo-1")).currentHost("algo-1").processesPerHost(1).build())
            .get(0);

    assertThat(rank).containsEntry("MASTER_ADDR", "127.0.0.1").containsEntry("MASTER_PORT", "29500");
  }

  @Test
  void rankEnvironments_hostOutsideDistribution_namesHost() {
    assertThatThrownBy(() -> TorchRunner.rankEnvironments(plan().currentHost("algo-9").build()))
        .isInstanceOf(LaunchConfigurationException.class)
        .hasMessageContaining("'algo-9'");
  }
}
