package io.smtk.archive;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** Unix permission bits ({@code 0755}) to and from Java's {@link PosixFilePermission} sets. */
public final class UnixModes {

  private UnixModes() {}

  /**
   * Returns the permission bits of a set of permissions.
   *
   * @param permissions the permissions
   * @return the bits, e.g. {@code 0644}
   */
  public static int toMode(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (PosixFilePermission permission : permissions) {
      mode |= bit(permission);
    }
    return mode;
  }

  /**
   * Returns the permissions of a mode's permission bits (higher bits are ignored).
   *
   * @param mode the mode, e.g. {@code 0755}
   * @return the permissions
   */
  public static Set<PosixFilePermission> toPermissions(int mode) {
    Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
    for (PosixFilePermission permission : PosixFilePermission.values()) {
      if ((mode & bit(permission)) != 0) {
        permissions.add(permission);
      }
    }
    return permissions;
  }

  private static int bit(PosixFilePermission permission) {
    return switch (permission) {
      case OWNER_READ -> 0400;
      case OWNER_WRITE -> 0200;
      case OWNER_EXECUTE -> 0100;
      case GROUP_READ -> 040;
      case GROUP_WRITE -> 020;
      case GROUP_EXECUTE -> 010;
      case OTHERS_READ -> 04;
      case OTHERS_WRITE -> 02;
      case OTHERS_EXECUTE -> 01;
    };
  }
}
