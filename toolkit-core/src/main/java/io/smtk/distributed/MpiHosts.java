package io.smtk.distributed;

import java.util.ArrayList;
import java.util.List;

/** Formats mpirun's {@code --host} list and checks that host names fit its syntax. */
final class MpiHosts {

  private MpiHosts() {}

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
      if (host.isEmpty() || host.chars().anyMatch(c -> c == ',' || c == ':' || Character.isWhitespace(c))) {
        throw new LaunchConfigurationException(
            "Host name '" + host + "' cannot be passed to mpirun --host; hosts are " + hosts);
      }
      entries.add(withSlots ? host + ":" + slots : host);
    }
    return String.join(",", entries);
  }

  static String requireShim(LaunchPlan plan, String launcher) {
    if (plan.hostnameShim() == null) {
      throw new IllegalStateException(launcher + " needs LaunchPlan.hostnameShim (libsmtkhostname.so)");
    }
    return plan.hostnameShim().toString();
  }
}
