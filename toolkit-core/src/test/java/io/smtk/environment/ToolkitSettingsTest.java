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

  @Test
  void maxUnpackedBytes_unsetOrWithUnits_parsedAsBinaryMultiples() throws Exception {
    assertThat(ToolkitSettings.from(Map.of()).maxUnpackedBytes())
        .isEqualTo(ToolkitSettings.DEFAULT_MAX_UNPACKED_BYTES)
        .isEqualTo(20L << 30);
    assertThat(ToolkitSettings.from(Map.of("SMTK_MAX_UNPACKED_BYTES", "512M")).maxUnpackedBytes())
        .isEqualTo(512L << 20);
    assertThat(
            ToolkitSettings.from(Map.of("SMTK_MAX_UNPACKED_BYTES", " 1048576 ")).maxUnpackedBytes())
        .isEqualTo(1048576L);
  }

  @Test
  void maxUnpackedBytes_notANumber_namesTheVariable() {
    assertThatThrownBy(() -> ToolkitSettings.from(Map.of("SMTK_MAX_UNPACKED_BYTES", "lots")))
        .isInstanceOf(InvalidTrainingConfigException.class)
        .hasMessageContaining("SMTK_MAX_UNPACKED_BYTES='lots' is not a number of bytes");
    assertThatThrownBy(() -> ToolkitSettings.from(Map.of("SMTK_MAX_UNPACKED_BYTES", "99999999T")))
        .isInstanceOf(InvalidTrainingConfigException.class);
  }

  @Test
  void jobSecretSettings_areReadAndBlankMeansNone() throws Exception {
    ToolkitSettings settings =
        ToolkitSettings.from(
            Map.of(
                "SMTK_JOB_SECRET", "s3cret",
                "SMTK_REQUIRE_JOB_SECRET", "yes",
                "SMTK_REDACT_NAMES", " DSN, ,conn_string "));

    assertThat(settings.jobSecret()).contains("s3cret");
    assertThat(settings.requireJobSecret()).isTrue();
    assertThat(settings.redactNames()).containsExactly("dsn", "conn_string");
    assertThat(ToolkitSettings.from(Map.of("SMTK_JOB_SECRET", " ")).jobSecret()).isEmpty();
    assertThatThrownBy(() -> ToolkitSettings.from(Map.of("SMTK_REQUIRE_JOB_SECRET", "maybe")))
        .isInstanceOf(InvalidTrainingConfigException.class)
        .hasMessageContaining("SMTK_REQUIRE_JOB_SECRET='maybe' must be true or false");
  }
}
