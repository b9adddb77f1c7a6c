package io.smtk.distributed.cluster;

import io.smtk.ToolkitException;
import io.smtk.logging.ToolkitLog;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * Waits for the job's host names to resolve, with the Python toolkit's backoff (200 ms doubling to
 * 30 s), and fails naming the unresolved host once the timeout has passed (the Python toolkit exits
 * 254 with a bare {@code gaierror}).
 */
public final class HostNames {

  private static final long FIRST_WAIT_MILLIS = 200;
  private static final long MAX_WAIT_MILLIS = 30_000;

  private HostNames() {}

  /**
   * Waits until every host name resolves.
   *
   * @param hosts the job's hosts
   * @param timeout how long to wait in all
   * @param log the toolkit's log
   * @throws ToolkitException when a host does not resolve in time, or the wait is interrupted
   */
  public static void await(List<String> hosts, Duration timeout, ToolkitLog log)
      throws ToolkitException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (String host : hosts) {
      resolve(host, deadline, timeout, hosts, log);
    }
  }

  /**
   * Resolves one host name, waiting for it as {@link #await} does.
   *
   * @param host the host
   * @param timeout how long to wait
   * @param log the toolkit's log
   * @return its address, e.g. {@code 10.0.0.1}
   * @throws ToolkitException when it does not resolve in time, or the wait is interrupted
   */
  public static String resolve(String host, Duration timeout, ToolkitLog log)
      throws ToolkitException {
    return resolve(host, System.nanoTime() + timeout.toNanos(), timeout, List.of(host), log);
  }

  /**
   * Tells whether a host name resolves now, without waiting.
   *
   * @param host the host
   * @return true when it has an address
   */
  public static boolean resolves(String host) {
    try {
      InetAddress.getByName(host);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String resolve(
      String host, long deadline, Duration timeout, List<String> hosts, ToolkitLog log)
      throws ToolkitException {
    long wait = FIRST_WAIT_MILLIS;
    while (true) {
      try {
        return InetAddress.getByName(host).getHostAddress();
      } catch (UnknownHostException e) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new HostUnreachableException(
              host,
              "Host name "
                  + host
                  + " did not resolve within "
                  + timeout.toSeconds()
                  + " s (hosts: "
                  + hosts
                  + "); the job's network is not up");
        }
        log.info("Waiting for host name " + host + " to resolve");
        try {
          Thread.sleep(Math.min(wait, Math.max(1, left / 1_000_000)));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new ToolkitException(
              "Interrupted while waiting for host name " + host, interrupted);
        }
        wait = Math.min(wait * 2, MAX_WAIT_MILLIS);
      }
    }
  }
}
