package io.smtk.distributed.mpi;

import io.smtk.distributed.cluster.LaunchConfigurationException;
import io.smtk.distributed.cluster.LaunchPlan;
import java.util.ArrayList;
import java.util.List;

/** Helpers shared by the mpirun command builders: the host list, {@code -mca} and {@code -x}. */
final class MpiArguments {

  private MpiArguments() {}

  /** Appends {@code -mca name value}. */
  static void mca(List<String> command, String name, String value) {
    command.add("-mca");
    command.add(name);
    command.add(value);
  }

  /** Appends {@code -x variable}, where variable is a name or a {@code NAME=value} assignment. */
  static void export(List<String> command, String variable) {
    command.add("-x");
    command.add(variable);
  }

  /**
   * Returns {@code h1,h2} or, with slots, {@code h1:n,h2:n}.
   *
   * @throws LaunchConfigurationException if a host name is empty or holds a character that has a
   *     meaning in the host list (comma, colon, whitespace)
   */
  static String hostList(List<String> hosts, int slots, boolean withSlots)
      throws LaunchConfigurationException {
    List<String> entries = new ArrayList<>();
    for (String host : hosts) {
      if (host.isEmpty()
          || host.chars().anyMatch(c -> c == ',' || c == ':' || Character.isWhitespace(c))) {
        throw new LaunchConfigurationException(
            "Host name '" + host + "' cannot be passed to mpirun --host; hosts are " + hosts);
      }
      entries.add(withSlots ? host + ":" + slots : host);
    }
    return String.join(",", entries);
  }

  /**
   * Appends {@code -x LD_PRELOAD=<shim>}, or nothing when the plan has no shim (the runner has
   * warned that ranks will see the machine's own host name).
   */
  static void preloadShim(List<String> command, LaunchPlan plan) {
    if (plan.hostnameShim() != null) {
      export(command, "LD_PRELOAD=" + plan.hostnameShim());
    }
  }
}
