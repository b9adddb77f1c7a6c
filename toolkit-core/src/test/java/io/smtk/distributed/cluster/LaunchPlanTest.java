package io.smtk.distributed.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtk.launch.EntryPoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link LaunchPlan}. */
class LaunchPlanTest {

  private static LaunchPlan.Builder minimal() {
    return LaunchPlan.builder()
        .hosts(List.of("algo-2", "algo-1"))
        .currentHost("algo-1")
        .entryPoint(EntryPoint.Type.PYTHON_PROGRAM, "train.py");
  }

  @Test
  void build_minimal_appliesDefaults() {
    LaunchPlan plan = minimal().build();

    assertThat(plan.masterHost())
        .as("the first distribution host, not the sorted first")
        .isEqualTo("algo-2");
    assertThat(plan.processesPerHost()).isEqualTo(1);
    assertThat(plan.totalProcesses()).isEqualTo(2);
    assertThat(plan.networkInterface()).isEqualTo("eth0");
    assertThat(plan.instanceType()).isEqualTo("local");
    assertThat(plan.customMpiOptions()).isEmpty();
    assertThat(plan.python()).isEqualTo("python3");
    assertThat(plan.modelParallelEnabled()).isFalse();
  }

  @Test
  void build_listsCopied_laterChangesDoNotLeakIn() {
    List<String> hosts = new ArrayList<>(List.of("algo-1"));
    LaunchPlan plan = minimal().hosts(hosts).build();

    hosts.add("algo-2");

    assertThat(plan.hosts()).containsExactly("algo-1");
  }

  @Test
  void build_emptyHosts_rejected() {
    assertThatThrownBy(() -> minimal().hosts(List.of()).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void build_envNameWithEquals_rejected() {
    assertThatThrownBy(() -> minimal().forwardedEnvNames(List.of("A=1")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("A=1");
  }

  @Test
  void toBuilder_roundTrip_equalPlan() {
    LaunchPlan plan = minimal().processesPerHost(4).customMpiOptions("-v").build();

    assertThat(plan.toBuilder().build()).isEqualTo(plan);
  }

  @Test
  void modelParallelEnabled_emptyObject_isFalse() {
    assertThat(minimal().modelParallelParameters("{}").build().modelParallelEnabled()).isFalse();
    assertThat(minimal().modelParallelParameters("{\"a\":1}").build().modelParallelEnabled())
        .isTrue();
  }
}
