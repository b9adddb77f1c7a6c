package io.smtk.distributed.control;

import io.smtk.ToolkitException;

/**
 * Thrown when a peer of the job control channel sends what the protocol does not allow: a message
 * too long or too slow to arrive, a malformed message, or a proof or message authentication code
 * that does not verify. From a peer that never proved it holds the job's key, it only closes that
 * connection; from one that did, it fails the job on every host.
 */
public class ControlProtocolException extends ToolkitException {

  private static final long serialVersionUID = 1L;

  public ControlProtocolException(String message) {
    super(message);
  }

  public ControlProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
