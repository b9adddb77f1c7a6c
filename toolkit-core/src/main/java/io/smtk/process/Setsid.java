package io.smtk.process;

import java.io.File;
import java.util.List;

/** Where util-linux {@code setsid} is, which starts a process in a process group of its own. */
final class Setsid {

  private static final List<String> PREFIX = find();

  private Setsid() {}

  /**
   * Returns the argv prefix that runs a command in its own session and process group.
   *
   * @return {@code [/usr/bin/setsid]}, or empty on a system without it
   */
  static List<String> prefix() {
    return PREFIX;
  }

  private static List<String> find() {
    for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (new File(candidate).canExecute()) {
        return List.of(candidate);
      }
    }
    return List.of();
  }
}
