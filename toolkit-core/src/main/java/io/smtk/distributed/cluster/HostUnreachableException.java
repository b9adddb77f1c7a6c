package io.smtk.distributed.cluster;

import io.smtk.ToolkitException;

/**
 * Thrown when another host of a distributed job cannot be reached or stops answering (a worker's
 * SSH never comes up, a worker or the master goes silent mid-job); the message names the host.
 */
public class HostUnreachableException extends ToolkitException {

  private static final long serialVersionUID = 1L;

  private final String host;

  public HostUnreachableException(String host, String message) {
    super(message);
    this.host = host;
  }

  public HostUnreachableException(String host, String message, Throwable cause) {
    super(message, cause);
    this.host = host;
  }

  /**
   * Returns the host that could not be reached.
   *
   * @return for example {@code algo-2}
   */
  public String host() {
    return host;
  }
}
