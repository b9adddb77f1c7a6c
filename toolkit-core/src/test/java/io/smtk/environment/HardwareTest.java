package io.smtk.environment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link Hardware}. */
class HardwareTest {

  @TempDir Path dir;

  @Test
  void onlineCpus_rangesAndSingles_counted() throws Exception {
    Path online = dir.resolve("online");
    Files.writeString(online, "0-3,6,8-9\n");

    assertThat(Hardware.onlineCpus(online)).isEqualTo(7);
  }

  @Test
  void detect_fakeNvidiaSmi_countsGpuLines() throws Exception {
    Path smi = dir.resolve("nvidia-smi");
    Files.writeString(
        smi,
        "#!/bin/sh\n[ \"$1\" = --list-gpus ] || exit 3\n"
            + "echo 'GPU 0: NVIDIA H100 (UUID: GPU-1)'\necho 'GPU 1: NVIDIA H100 (UUID: GPU-2)'\necho 'note'\n");
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));

    Hardware hardware =
        Hardware.detect(
            ToolkitSettings.from(Map.of("PATH", dir + ":/usr/bin:/bin")), "ml.p4d.24xlarge");

    assertThat(hardware.gpus()).isEqualTo(2);
    assertThat(hardware.neurons()).isZero();
  }

  @Test
  void detect_noTools_zeroAccelerators() throws Exception {
    Hardware hardware =
        Hardware.detect(ToolkitSettings.from(Map.of("PATH", dir.toString())), "local");

    assertThat(hardware.gpus()).isZero();
    assertThat(hardware.neurons()).isZero();
    assertThat(hardware.cpus()).isPositive();
  }

  @Test
  void detect_trn2_hasFixedCoreCount() throws Exception {
    assertThat(Hardware.detect(ToolkitSettings.from(Map.of()), "ml.trn2.48xlarge").neurons())
        .isEqualTo(64);
  }

  @Test
  void sumNeuronCores_devices_summed() {
    assertThat(Hardware.sumNeuronCores("[{\"nc_count\": 2}, {\"nc_count\": 8}, {}]")).isEqualTo(10);
    assertThat(Hardware.sumNeuronCores("not json")).isZero();
  }
}
