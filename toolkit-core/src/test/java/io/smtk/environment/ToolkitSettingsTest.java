package io.smtk.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link ToolkitSettings}. */
class ToolkitSettingsTest {

  @Test
  void from_nothingSet_usesDistributedDefaults() throws Exception {
    ToolkitSettings settings = ToolkitSettings.from(Map.of());

    assertThat(settings.startupTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(settings.peerTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.controlPort()).isEqualTo(7591);
    assertThat(settings.torchLauncher()).isEqualTo(ToolkitSettings.TorchLauncher.TORCHRUN);
    assertThat(settings.hostnameShim()).isEmpty();
    assertThat(settings.sshConfig()).isEmpty();
  }

  @Test
  void from_distributedSettings_areRead() throws Exception {
    ToolkitSettings settings =
        ToolkitSettings.from(
            Map.of(
                "SMTK_STARTUP_TIMEOUT_SECONDS", "90",
                "SMTK_PEER_TIMEOUT_SECONDS", "2.5",
                "SMTK_CONTROL_PORT", "17000",
                "SMTK_TORCH_LAUNCHER", "ENV",
                "SMTK_HOSTNAME_SHIM", "/x/libsmtkhostname.so",
                "SMTK_SSH_CONFIG", "/x/ssh_config"));

    assertThat(settings.startupTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(settings.peerTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(settings.controlPort()).isEqualTo(17000);
    assertThat(settings.torchLauncher()).isEqualTo(ToolkitSettings.TorchLauncher.ENV);
    assertThat(settings.hostnameShim()).contains(Path.of("/x/libsmtkhostname.so"));
    assertThat(settings.sshConfig()).contains(Path.of("/x/ssh_config"));
  }

  @Test
  void from_badPort_namesVariable() {
    assertThatThrownBy(() -> ToolkitSettings.from(Map.of("SMTK_CONTROL_PORT", "70000")))
        .isInstanceOf(InvalidTrainingConfigException.class)
        .hasMessageContaining("SMTK_CONTROL_PORT='70000'");
  }

  @Test
  void from_unknownTorchLauncher_namesChoices() {
    assertThatThrownBy(() -> ToolkitSettings.from(Map.of("SMTK_TORCH_LAUNCHER", "mpi")))
        .isInstanceOf(InvalidTrainingConfigException.class)
        .hasMessageContaining("'torchrun' or 'env'");
  }
}
