package io.smtk.distributed.cluster;

import io.smtk.ToolkitException;
import io.smtk.logging.ToolkitLog;
import io.smtk.process.StopCheck;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * Waits for the job's host names to resolve, with the Python toolkit's backoff (200 ms doubling to
 * 30 s), and fails naming the unresolved host once the timeout has passed (the Python toolkit exits
 * 254 with a bare {@code gaierror}). A stop request ends the wait at once, also while a lookup
 * hangs on an unanswering DNS server: each lookup runs on its own thread.
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
   * @param stop asked while waiting
   * @throws ToolkitException when a host does not resolve in time, the job is stopped or the wait
   *     is interrupted
   */
  public static void await(List<String> hosts, Duration timeout, ToolkitLog log, StopCheck stop)
      throws ToolkitException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (String host : hosts) {
      resolve(host, deadline, timeout, hosts, log, stop);
    }
  }

  /**
   * Resolves one host name, waiting for it as {@link #await} does.
   *
   * @param host the host
   * @param timeout how long to wait
   * @param log the toolkit's log
   * @param stop asked while waiting
   * @return its address, e.g. {@code 10.0.0.1}
   * @throws ToolkitException when it does not resolve in time, the job is stopped or the wait is
   *     interrupted
   */
  public static String resolve(String host, Duration timeout, ToolkitLog log, StopCheck stop)
      throws ToolkitException {
    return resolve(host, System.nanoTime() + timeout.toNanos(), timeout, List.of(host), log, stop);
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
      String host,
      long deadline,
      Duration timeout,
      List<String> hosts,
      ToolkitLog log,
      StopCheck stop)
      throws ToolkitException {
    String detail = "while waiting for host name " + host + " to resolve";
    long wait = FIRST_WAIT_MILLIS;
    while (true) {
      stop.checkStopped(detail);
      String address = lookUp(host, deadline, stop, detail);
      if (address != null) {
        return address;
      }
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
      stop.sleep(Math.min(wait, Math.max(1, left / 1_000_000)), detail);
      if (Thread.currentThread().isInterrupted()) {
        throw new ToolkitException("Interrupted while waiting for host name " + host);
      }
      wait = Math.min(wait * 2, MAX_WAIT_MILLIS);
    }
  }

  /** One lookup on a helper thread, waited for in slices: null when the name does not resolve. */
  private static String lookUp(String host, long deadline, StopCheck stop, String detail)
      throws ToolkitException {
    Lookup lookup = new Lookup(host);
    Thread thread = new Thread(lookup, "smtk-resolve");
    thread.setDaemon(true);
    thread.start();
    try {
      while (thread.isAlive()) {
        stop.checkStopped(detail);
        if (System.nanoTime() - deadline > 0) {
          return null; // a hanging lookup past the deadline counts as unresolved
        }
        thread.join(StopCheck.POLL.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolkitException("Interrupted while waiting for host name " + host, e);
    }
    return lookup.address;
  }

  /** Resolves a name; a lookup abandoned after a stop just ends on its own. */
  private static final class Lookup implements Runnable {
    private final String host;
    private volatile String address;

    Lookup(String host) {
      this.host = host;
    }

    @Override
    public void run() {
      try {
        address = InetAddress.getByName(host).getHostAddress();
      } catch (UnknownHostException | SecurityException e) {
        address = null;
      }
    }
  }
}
