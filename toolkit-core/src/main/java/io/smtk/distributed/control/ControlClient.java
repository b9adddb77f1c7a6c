package io.smtk.distributed.control;

import io.smtk.ToolkitException;
import io.smtk.distributed.cluster.HostUnreachableException;
import io.smtk.distributed.cluster.JobProcesses;
import io.smtk.distributed.control.ControlMessages.Challenge;
import io.smtk.distributed.control.ControlMessages.Session;
import io.smtk.distributed.control.LineReader.MessageTimeoutException;
import io.smtk.logging.ToolkitLog;
import io.smtk.process.StopCheck;
import io.smtk.process.TrainingStoppedException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A worker's end of the job control channel (see {@link ControlServer} and {@link
 * ControlMessages}): connects to the master, checks that it holds the job's key and proves that it
 * does too, takes the job's SSH key, reports ready, sends heartbeats, and waits for the job's
 * outcome; fails when the master goes silent.
 *
 * <p>Whatever answers on the master's port without proving it holds the key is turned away and the
 * worker keeps trying until the startup timeout: a fake master gets nothing authorized and cannot
 * end the job. Once the master has proved itself, every message it sends must carry a valid
 * authentication code, and a malformed or forged one fails the worker.
 */
public final class ControlClient implements AutoCloseable {

  private static final int CONNECT_TIMEOUT_MILLIS = 1000;
  private static final long RETRY_MILLIS = 500;

  private final String master;
  private final Socket socket;
  private final LineReader in;
  private final Session session;
  private final String publicKey;
  private final Thread heartbeat;

  private ControlClient(
      String master, Socket socket, LineReader in, Session session, String publicKey) {
    this.master = master;
    this.socket = socket;
    this.in = in;
    this.session = session;
    this.publicKey = publicKey;
    this.heartbeat = new Thread(this::heartbeatLoop, "smtk-control-heartbeat");
    this.heartbeat.setDaemon(true);
  }

  /**
   * Connects to the master, retrying until a master that holds the job's key answers, and
   * authenticates both ways; the master's SSH key has arrived when this returns.
   *
   * @param master the master's host name
   * @param port the control port
   * @param key the job's channel key
   * @param host this host's name
   * @param timeout how long to keep trying
   * @param stop throws when the toolkit is asked to stop
   * @param log the toolkit's log
   * @return the connected client
   * @throws HostUnreachableException if no authenticated master answers in time
   * @throws ControlProtocolException if the authenticated master breaks the protocol
   * @throws ToolkitException when stopped
   */
  public static ControlClient connect(
      String master,
      int port,
      ChannelKey key,
      String host,
      Duration timeout,
      JobProcesses stop,
      ToolkitLog log)
      throws ToolkitException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String lastError = "";
    boolean waitLogged = false;
    Set<String> warned = new LinkedHashSet<>();
    while (true) {
      stop.checkStopped();
      Socket socket = new Socket();
      String peer = master + ":" + port;
      try {
        socket.connect(new InetSocketAddress(master, port), CONNECT_TIMEOUT_MILLIS);
        peer = socket.getInetAddress().getHostAddress() + ":" + port;
        ControlClient client = handshake(master, socket, key, host, stop.stopCheck());
        if (client != null) {
          return client;
        }
        lastError = "the peer at " + peer + " closed the connection during authentication";
      } catch (Rejected e) {
        lastError = "the peer at " + peer + " " + e.getMessage();
        if (warned.add(e.getMessage())) {
          log.warning(
              "Rejected the peer answering for the master "
                  + master
                  + " at "
                  + peer
                  + ": "
                  + e.getMessage()
                  + "; still waiting for the job's master");
        }
      } catch (IOException e) {
        lastError = e.toString();
      } catch (ToolkitException | RuntimeException e) {
        closeQuietly(socket);
        throw e;
      }
      closeQuietly(socket);
      if (!waitLogged) {
        log.info("Waiting for the master " + master + " to open its control port " + port);
        waitLogged = true;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new HostUnreachableException(
            master,
            "The master "
                + master
                + " did not answer on its control port "
                + port
                + " as the job's master within "
                + timeout.toSeconds()
                + " s (SMTK_STARTUP_TIMEOUT_SECONDS): "
                + lastError
                + (warned.isEmpty()
                    ? ""
                    : "; peers that answered for it were turned away: "
                        + String.join("; ", warned)));
      }
      stop.stopCheck().sleep(RETRY_MILLIS, "");
    }
  }

  /**
   * Runs the handshake on a connected socket.
   *
   * @return the client, or null when the peer closed the connection (turned this worker away)
   * @throws Rejected when the peer does not prove it holds the key (it is not the job's master)
   */
  private static ControlClient handshake(
      String master, Socket socket, ChannelKey key, String host, StopCheck stop)
      throws IOException, ToolkitException {
    socket.setTcpNoDelay(true);
    LineReader in = new LineReader(socket);
    long handshakeEnd = System.nanoTime() + ControlServer.HANDSHAKE_TIMEOUT.toNanos();
    String workerNonce = ControlMessages.nonce();
    write(socket, ControlMessages.hello(host, workerNonce));
    String challengeLine;
    Challenge challenge;
    try {
      challengeLine = in.readLine(ControlMessages.MAX_HANDSHAKE_BYTES, handshakeEnd, stop, "");
      if (challengeLine == null) {
        return null;
      }
      challenge = ControlMessages.parseChallenge(challengeLine);
    } catch (ControlProtocolException e) {
      throw new Rejected(e.getMessage());
    }
    String expected =
        ControlMessages.proof(key, ControlMessages.MASTER, host, workerNonce, challenge.nonce());
    if (!ControlMessages.verify(expected, challenge.proof())) {
      throw new Rejected(
          "does not hold the job's key (failed authentication; "
              + (key.fromSecret() ? "a different SMTK_JOB_SECRET?" : "no SMTK_JOB_SECRET")
              + ")");
    }
    // From here on the peer is the job's master: what it sends wrong fails the job.
    write(
        socket,
        ControlMessages.proofMessage(
            ControlMessages.proof(
                key, ControlMessages.WORKER, host, workerNonce, challenge.nonce())));
    Session session =
        new Session(key.session(host, workerNonce, challenge.nonce()), ControlMessages.WORKER);
    String keyLine;
    try {
      keyLine = in.readLine(ControlMessages.MAX_MESSAGE_BYTES, handshakeEnd, stop, "");
    } catch (MessageTimeoutException e) {
      throw new Rejected("did not send the job's SSH key in time after authentication");
    }
    if (keyLine == null) {
      return null; // turned away (this host was registered already)
    }
    try {
      String publicKey = ControlMessages.parseKey(session.open(keyLine));
      return new ControlClient(master, socket, in, session, publicKey);
    } catch (ControlProtocolException e) {
      throw new ControlProtocolException(
          "The master " + master + " broke the job control protocol: " + e.getMessage(), e);
    }
  }

  /**
   * Returns the job's SSH public key, which the worker's sshd authorizes for the master.
   *
   * @return the key line, or null when the master manages SSH otherwise
   */
  public String publicKey() {
    return publicKey;
  }

  /**
   * Returns the master's addresses: the one this connection reached and those its name resolves to,
   * the addresses its SSH connections may come from.
   *
   * @return the addresses, as text
   */
  public List<String> masterAddresses() {
    Set<String> addresses = new LinkedHashSet<>();
    addresses.add(socket.getInetAddress().getHostAddress());
    try {
      for (InetAddress address : InetAddress.getAllByName(master)) {
        addresses.add(address.getHostAddress());
      }
    } catch (UnknownHostException e) {
      // The connection's own address is enough.
    }
    return List.copyOf(addresses);
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
   * @throws ControlProtocolException if the master sends a malformed or forged message
   * @throws ToolkitException when stopped
   */
  public JobOutcome awaitEnd(Duration peerTimeout, JobProcesses stop) throws ToolkitException {
    StopCheck stopCheck = stop.stopCheck();
    while (true) {
      String line;
      try {
        line =
            in.readLine(
                ControlMessages.MAX_END_BYTES,
                System.nanoTime() + peerTimeout.toNanos(),
                stopCheck,
                "");
      } catch (TrainingStoppedException e) {
        send(ControlMessages.bye("stopped: " + e.getMessage().replace('\n', ' ')));
        throw e;
      } catch (MessageTimeoutException e) {
        throw lost(
            e.partial()
                ? "it sent part of a message and not the rest within "
                    + peerTimeout.toSeconds()
                    + " s (SMTK_PEER_TIMEOUT_SECONDS)"
                : "it sent nothing for "
                    + peerTimeout.toSeconds()
                    + " s (SMTK_PEER_TIMEOUT_SECONDS)");
      } catch (ControlProtocolException e) {
        throw broke(e);
      } catch (IOException e) {
        throw lost("its control connection failed: " + e.getMessage());
      }
      if (line == null) {
        throw lost("it closed the control connection without telling how the job ended");
      }
      String message;
      try {
        message = session.open(line);
        if (message.startsWith("END ")) {
          return JobOutcome.decode(message.substring(4));
        }
        if (!message.equals("PING")) {
          throw new ControlProtocolException(
              "it sent an unexpected message " + ControlMessages.shown(message));
        }
      } catch (ControlProtocolException e) {
        throw broke(e);
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

  private ControlProtocolException broke(ControlProtocolException e) {
    return new ControlProtocolException(
        "The master " + master + " broke the job control protocol: " + e.getMessage(), e);
  }

  private synchronized void send(String message) {
    try {
      write(socket, session.seal(message));
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

  private static void write(Socket socket, String line) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing: nothing to do.
    }
  }

  /** The peer on the master's port did not prove it is the job's master. */
  private static final class Rejected extends ToolkitException {
    private static final long serialVersionUID = 1L;

    Rejected(String message) {
      super(message);
    }
  }
}
