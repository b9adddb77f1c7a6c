package io.smtk.training;

import io.smtk.ToolkitException;
import io.smtk.logging.ToolkitLog;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * Waits until every host name of the job resolves, with the Python toolkit's backoff (200 ms doubling
 * to 30 s), and fails with the unresolved name once the timeout has passed.
 */
final class HostNameWait {

  private static final long FIRST_WAIT_MILLIS = 200;
  private static final long MAX_WAIT_MILLIS = 30_000;

  private HostNameWait() {}

  static void await(List<String> hosts, Duration timeout, ToolkitLog log) throws ToolkitException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (String host : hosts) {
      long wait = FIRST_WAIT_MILLIS;
      while (true) {
        try {
          InetAddress.getByName(host);
          break;
        } catch (UnknownHostException e) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new ToolkitException(
                "Host name " + host + " did not resolve within " + timeout.toSeconds() + " s (hosts: "
                    + hosts + "); the job's network is not up");
          }
          log.info("Waiting for host name " + host + " to resolve");
          try {
            Thread.sleep(Math.min(wait, Math.max(1, left / 1_000_000)));
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new ToolkitException("Interrupted while waiting for host name " + host, interrupted);
          }
          wait = Math.min(wait * 2, MAX_WAIT_MILLIS);
        }
      }
    }
  }
}
