package io.smtk.distributed.mpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link MpiRunner}'s command rewriting for a single host whose name does not resolve.
 */
class MpiRunnerTest {

  @Test
  void onThisMachine_singleHostWithSlots_namesLocalhostAndKeepsTheSlots() {
    List<String> command =
        List.of("mpirun", "--host", "algo-1:2", "-np", "2", "python3", "-m", "mpi4py", "t.py");

    assertThat(MpiRunner.onThisMachine(command, "algo-1"))
        .containsExactly(
            "mpirun", "--host", "localhost:2", "-np", "2", "python3", "-m", "mpi4py", "t.py");
  }

  @Test
  void onThisMachine_singleHostOneSlot_namesLocalhost() {
    assertThat(MpiRunner.onThisMachine(List.of("mpirun", "--host", "algo-1", "-np", "1"), "algo-1"))
        .containsExactly("mpirun", "--host", "localhost", "-np", "1");
  }

  @Test
  void onThisMachine_hostListOfAnotherHost_unchanged() {
    List<String> command = List.of("mpirun", "--host", "algo-10:2", "-np", "2");

    assertThat(MpiRunner.onThisMachine(command, "algo-1")).isEqualTo(command);
  }
}
