package io.smtk.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class UnixModesTest {

  @Test
  void toPermissions_everyMode_roundTripsThroughToMode() {
    for (int mode = 0; mode <= 0777; mode++) {
      assertThat(UnixModes.toMode(UnixModes.toPermissions(mode))).isEqualTo(mode);
    }
  }

  @Test
  void toPermissions_0754_matchesJavasOwnSpelling() {
    assertThat(UnixModes.toPermissions(0754))
        .isEqualTo(PosixFilePermissions.fromString("rwxr-xr--"));
    assertThat(UnixModes.toMode(PosixFilePermissions.fromString("rw-r-----"))).isEqualTo(0640);
  }

  @Test
  void toPermissions_typeBitsAbove0777_ignored() {
    assertThat(UnixModes.toPermissions(0100644))
        .containsExactlyInAnyOrder(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.OTHERS_READ);
  }
}
