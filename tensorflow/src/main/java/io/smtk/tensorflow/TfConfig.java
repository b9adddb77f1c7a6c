package io.smtk.tensorflow;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@code TF_CONFIG} strings byte-identical to the SageMaker TensorFlow container's: Python's
 * {@code json.dumps} defaults ({@code ", "} and {@code ": "} separators), keys in insertion order.
 */
public final class TfConfig {

  /** The port of the master and worker tasks in parameter-server mode. */
  public static final int PS_WORKER_PORT = 2222;

  /** The port of the parameter-server tasks. */
  public static final int PS_PORT = 2223;

  /** The port of the workers of MultiWorkerMirroredStrategy. */
  public static final int MWMS_PORT = 8890;

  private TfConfig() {}

  /**
   * Returns the parameter-server {@code TF_CONFIG} of a host: the first host is the master, the
   * others workers, and every host also a parameter server when there is more than one.
   *
   * @param hosts the distribution hosts, in order
   * @param currentHost this host
   * @param psTask whether this is the config of the host's parameter-server task
   * @return the JSON text
   * @throws IllegalArgumentException when the host is not in the list, or a ps task is asked of one
   *     host
   */
  public static String parameterServer(List<String> hosts, String currentHost, boolean psTask) {
    requireMember(hosts, currentHost);
    List<String> masters = hosts.subList(0, 1);
    List<String> workers = hosts.subList(1, hosts.size());
    List<String> ps = hosts.size() > 1 ? hosts : List.of();
    StringBuilder cluster =
        new StringBuilder("{\"master\": ").append(addresses(masters, PS_WORKER_PORT));
    if (!ps.isEmpty()) {
      cluster.append(", \"ps\": ").append(addresses(ps, PS_PORT));
    }
    if (!workers.isEmpty()) {
      cluster.append(", \"worker\": ").append(addresses(workers, PS_WORKER_PORT));
    }
    cluster.append('}');
    String task;
    if (psTask) {
      if (ps.isEmpty()) {
        throw new IllegalArgumentException(
            "Cannot have a ps task if there are no parameter servers in the cluster");
      }
      task = task(ps.indexOf(currentHost), "ps");
    } else if (masters.contains(currentHost)) {
      task = task(0, "master");
    } else {
      task = task(workers.indexOf(currentHost), "worker");
    }
    return "{\"cluster\": " + cluster + ", \"environment\": \"cloud\", \"task\": " + task + "}";
  }

  /**
   * Returns the cluster member of the parameter-server {@code TF_CONFIG}, for the parameter server
   * process itself.
   *
   * @param hosts the distribution hosts
   * @param currentHost this host
   * @return the cluster JSON text
   */
  public static String parameterServerCluster(List<String> hosts, String currentHost) {
    String config = parameterServer(hosts, currentHost, false);
    return config.substring("{\"cluster\": ".length(), config.indexOf(", \"environment\""));
  }

  /**
   * Returns the MultiWorkerMirroredStrategy {@code TF_CONFIG} of a host: every host a worker.
   *
   * @param hosts the distribution hosts, in order
   * @param currentHost this host
   * @return the JSON text
   */
  public static String multiWorkerMirrored(List<String> hosts, String currentHost) {
    requireMember(hosts, currentHost);
    return "{\"cluster\": {\"worker\": "
        + addresses(hosts, MWMS_PORT)
        + "}, \"environment\": \"cloud\", \"task\": "
        + task(hosts.indexOf(currentHost), "worker")
        + "}";
  }

  private static String task(int index, String type) {
    return "{\"index\": " + index + ", \"type\": \"" + type + "\"}";
  }

  private static String addresses(List<String> hosts, int port) {
    List<String> quoted = new ArrayList<>();
    for (String host : hosts) {
      quoted.add("\"" + host.replace("\\", "\\\\").replace("\"", "\\\"") + ":" + port + "\"");
    }
    return "[" + String.join(", ", quoted) + "]";
  }

  private static void requireMember(List<String> hosts, String currentHost) {
    if (!hosts.contains(currentHost)) {
      throw new IllegalArgumentException(
          "Host " + currentHost + " is not one of the distribution hosts " + hosts);
    }
  }
}
