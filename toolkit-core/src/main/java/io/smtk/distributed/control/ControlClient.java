package io.smtk.distributed.control;

import io.smtk.ToolkitException;
import io.smtk.distributed.cluster.HostUnreachableException;
import io.smtk.distributed.cluster.JobProcesses;
import io.smtk.logging.ToolkitLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A worker's end of the job control channel (see {@link ControlServer}): connects to the master,
 * takes the job's SSH key, reports ready, sends heartbeats, and waits for the job's outcome; fails
 * when the master goes silent.
 *
 * <p>Messages, one per line: worker {@code HELLO SMTK1 <jobId> <host>}, master {@code KEY <public
 * key line or ->}, worker {@code READY <host key line or ->}, then {@code PING} both ways every
 * {@link ControlServer#HEARTBEAT_INTERVAL}, and finally master {@code END <outcome>} or worker
 * {@code BYE <reason>}.
 */
public final class ControlClient implements AutoCloseable {

  private static final int CONNECT_TIMEOUT_MILLIS = 2000;
  private static final long RETRY_MILLIS = 500;
  private static final int POLL_MILLIS = 500;

  private final String master;
  private final Socket socket;
  private final BufferedReader in;
  private final Thread heartbeat;

  private ControlClient(String master, Socket socket) throws IOException {
    this.master = master;
    this.socket = socket;
    this.in =
        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    this.heartbeat = new Thread(this::heartbeatLoop, "smtk-control-heartbeat");
    this.heartbeat.setDaemon(true);
  }

  /**
   * Connects to the master, retrying until it listens, and introduces this host.
   *
   * @param master the master's host name
   * @param port the control port
   * @param jobId the job's identity
   * @param host this host's name
   * @param timeout how long to keep trying
   * @param stop throws when the toolkit is asked to stop
   * @param log the toolkit's log
   * @return the connected client
   * @throws HostUnreachableException if the master does not answer in time
   * @throws ToolkitException when stopped
   */
  public static ControlClient connect(
      String master,
      int port,
      String jobId,
      String host,
      Duration timeout,
      JobProcesses stop,
      ToolkitLog log)
      throws ToolkitException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String lastError = "";
    boolean logged = false;
    while (true) {
      stop.checkStopped();
      Socket socket = new Socket();
      try {
        socket.connect(new InetSocketAddress(master, port), CONNECT_TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        ControlClient client = new ControlClient(master, socket);
        client.send("HELLO " + ControlServer.PROTOCOL + " " + jobId + " " + host);
        return client;
      } catch (IOException e) {
        closeQuietly(socket);
        lastError = e.toString();
      }
      if (!logged) {
        log.info("Waiting for the master " + master + " to open its control port " + port);
        logged = true;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new HostUnreachableException(
            master,
            "The master "
                + master
                + " did not open its control port "
                + port
                + " within "
                + timeout.toSeconds()
                + " s (SMTK_STARTUP_TIMEOUT_SECONDS): "
                + lastError);
      }
      sleep(RETRY_MILLIS);
    }
  }

  /**
   * Reads the job's SSH public key.
   *
   * @param timeout how long the master may take
   * @return the key line, or null when the master manages SSH otherwise
   * @throws HostUnreachableException if the master does not send it
   */
  public String awaitKey(Duration timeout) throws ToolkitException {
    String[] key = ControlServer.words(readLine(timeout));
    if (key.length < 2 || !key[0].equals("KEY")) {
      throw new HostUnreachableException(
          master, "The master " + master + " sent no SSH key: " + String.join(" ", key));
    }
    return key[1].equals("-")
        ? null
        : String.join(" ", java.util.Arrays.asList(key).subList(1, key.length));
  }

  /**
   * Reports that this host's sshd serves the job, and starts the heartbeats.
   *
   * @param hostKey this host's SSH host key line, or null when its sshd was not started by the
   *     toolkit
   */
  public void ready(String hostKey) {
    send("READY " + (hostKey == null || hostKey.isBlank() ? "-" : hostKey.strip()));
    heartbeat.start();
  }

  /**
   * Waits for the master to end the job.
   *
   * @param peerTimeout how long the master may be silent
   * @param stop throws when the toolkit is asked to stop (the master is then told)
   * @return the outcome the master reported
   * @throws HostUnreachableException if the master goes silent or closes the channel without an
   *     outcome
   * @throws ToolkitException when stopped
   */
  public JobOutcome awaitEnd(Duration peerTimeout, JobProcesses stop) throws ToolkitException {
    long lastHeard = System.nanoTime();
    try {
      socket.setSoTimeout(POLL_MILLIS);
    } catch (IOException e) {
      throw lost("its control connection failed: " + e.getMessage());
    }
    while (true) {
      try {
        stop.checkStopped();
      } catch (ToolkitException e) {
        send("BYE stopped: " + e.getMessage().replace('\n', ' '));
        throw e;
      }
      String line;
      try {
        line = in.readLine();
      } catch (SocketTimeoutException e) {
        if (System.nanoTime() - lastHeard > peerTimeout.toNanos()) {
          throw lost(
              "it sent nothing for " + peerTimeout.toSeconds() + " s (SMTK_PEER_TIMEOUT_SECONDS)");
        }
        continue;
      } catch (IOException e) {
        throw lost("its control connection failed: " + e.getMessage());
      }
      if (line == null) {
        throw lost("it closed the control connection without telling how the job ended");
      }
      lastHeard = System.nanoTime();
      if (line.startsWith("END ")) {
        try {
          return JobOutcome.decode(line.substring(4));
        } catch (IllegalArgumentException e) {
          throw lost("it sent an unreadable outcome: " + e.getMessage());
        }
      }
    }
  }

  @Override
  public void close() {
    heartbeat.interrupt();
    closeQuietly(socket);
  }

  private HostUnreachableException lost(String reason) {
    return new HostUnreachableException(
        master, "Lost contact with the master " + master + ": " + reason);
  }

  private String readLine(Duration timeout) throws HostUnreachableException {
    try {
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      String line = in.readLine();
      if (line == null) {
        throw lost("it closed the control connection (is this host part of its job?)");
      }
      return line;
    } catch (SocketTimeoutException e) {
      throw lost("it did not answer within " + timeout.toSeconds() + " s");
    } catch (IOException e) {
      throw lost("its control connection failed: " + e.getMessage());
    }
  }

  private synchronized void send(String line) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      // The reading side notices a broken connection and reports the master lost.
    }
  }

  private void heartbeatLoop() {
    while (!socket.isClosed()) {
      send("PING");
      try {
        Thread.sleep(ControlServer.HEARTBEAT_INTERVAL.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void sleep(long millis) throws ToolkitException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolkitException("Interrupted while waiting for the master", e);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing: nothing to do.
    }
  }
}
