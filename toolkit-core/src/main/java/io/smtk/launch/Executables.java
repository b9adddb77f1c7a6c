package io.smtk.launch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** File checks and changes for entry points that run as executables. */
public final class Executables {

  private Executables() {}

  /**
   * Returns whether the kernel can exec a file itself: it starts with {@code #!} or is an ELF
   * binary.
   *
   * @param file the file
   * @return true when it needs no shell to run
   */
  public static boolean isDirectlyExecutable(Path file) {
    byte[] head = new byte[4];
    int read;
    try (InputStream in = Files.newInputStream(file)) {
      read = in.readNBytes(head, 0, 4);
    } catch (IOException e) {
      return true;
    }
    boolean shebang = read >= 2 && head[0] == '#' && head[1] == '!';
    boolean elf =
        read == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
    return shebang || elf;
  }

  /**
   * Adds execute permission for everyone who may read the file (the Python toolkit sets 0777).
   *
   * @param file the file
   * @throws IOException when its permissions cannot be changed
   */
  public static void makeExecutable(Path file) throws IOException {
    Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(file));
    permissions.add(PosixFilePermission.OWNER_EXECUTE);
    if (permissions.contains(PosixFilePermission.GROUP_READ)) {
      permissions.add(PosixFilePermission.GROUP_EXECUTE);
    }
    if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
      permissions.add(PosixFilePermission.OTHERS_EXECUTE);
    }
    Files.setPosixFilePermissions(file, permissions);
  }
}
