package io.smtk.distributed.control;

import io.smtk.ToolkitException;
import io.smtk.distributed.DistributedRunners;
import io.smtk.distributed.cluster.HostUnreachableException;
import io.smtk.distributed.cluster.JobProcesses;
import io.smtk.distributed.cluster.LaunchConfigurationException;
import io.smtk.logging.ToolkitLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The MPI master's end of the job control channel: every worker connects to it, receives the job's
 * SSH public key, reports that its sshd is ready (with its host key), exchanges heartbeats while
 * the job runs, and finally receives the job's {@link JobOutcome}.
 *
 * <p>The protocol is one line per message ({@code HELLO}, {@code KEY}, {@code READY}, {@code PING},
 * {@code END}, {@code BYE}, see {@link ControlClient}). A worker is accepted only from the address
 * its host name resolves to and only for this job (a hash of the job name and hosts); a worker that
 * closes its connection or sends nothing for the peer timeout is reported as lost.
 */
public final class ControlServer implements AutoCloseable {

  static final String PROTOCOL = "SMTK1";
  static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(2);
  private static final Duration FINISH_TIMEOUT = Duration.ofSeconds(5);
  private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;

  private final ServerSocket server;
  private final String jobId;
  private final List<String> workers;
  private final Duration peerTimeout;
  private final ToolkitLog log;
  private final Thread acceptor;
  private final Thread heartbeat;

  // All guarded by this.
  private final Map<String, Peer> peers = new LinkedHashMap<>();
  private final Map<String, String> rejections = new LinkedHashMap<>();
  private String publicKey = "-";
  private BiConsumer<String, String> lostListener = (host, reason) -> {};
  private boolean finishing;
  private boolean closed;

  private ControlServer(
      ServerSocket server,
      String jobId,
      List<String> workers,
      Duration peerTimeout,
      ToolkitLog log) {
    this.server = server;
    this.jobId = jobId;
    this.workers = List.copyOf(workers);
    this.peerTimeout = peerTimeout;
    this.log = log;
    this.acceptor = daemon("smtk-control-accept", this::acceptLoop);
    this.heartbeat = daemon("smtk-control-heartbeat", this::heartbeatLoop);
  }

  /**
   * Listens on a port of every interface for the given workers.
   *
   * @param port the TCP port
   * @param jobId the job's identity, see {@link DistributedRunners#jobId}
   * @param workers the worker host names
   * @param publicKey the SSH public key line workers authorize, or null when SSH is set up
   *     elsewhere
   * @param peerTimeout how long a worker may be silent
   * @param log the toolkit's log
   * @return the listening server
   * @throws ToolkitException if the port cannot be opened
   */
  public static ControlServer open(
      int port,
      String jobId,
      List<String> workers,
      String publicKey,
      Duration peerTimeout,
      ToolkitLog log)
      throws ToolkitException {
    ServerSocket socket;
    try {
      socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(port));
    } catch (IOException e) {
      throw new LaunchConfigurationException(
          "Cannot listen on the job control port "
              + port
              + " (SMTK_CONTROL_PORT): "
              + e.getMessage(),
          e);
    }
    ControlServer control = new ControlServer(socket, jobId, workers, peerTimeout, log);
    control.publicKey = publicKey == null ? "-" : publicKey;
    control.acceptor.start();
    control.heartbeat.start();
    return control;
  }

  /**
   * Returns the port the server listens on (useful when opened on port 0).
   *
   * @return the port
   */
  int port() {
    return server.getLocalPort();
  }

  /**
   * Sets what is called (from a control thread) when a ready worker is lost before the job's end; a
   * worker lost before this call is reported at once.
   *
   * @param listener gets the host and the reason
   */
  public void onLost(BiConsumer<String, String> listener) {
    Map<String, String> alreadyLost = new LinkedHashMap<>();
    synchronized (this) {
      this.lostListener = listener;
      peers.values().stream()
          .filter(peer -> peer.hostKey != null && peer.lostReason != null)
          .forEach(peer -> alreadyLost.put(peer.host, peer.lostReason));
    }
    // A worker lost between its READY and this call (during the SSH checks) counts too.
    alreadyLost.forEach(listener);
  }

  /**
   * Waits until every worker has reported ready.
   *
   * @param timeout how long to wait
   * @param stop throws when the toolkit is asked to stop
   * @return each worker's SSH host key line ({@code ssh-ed25519 AAAA...}), or "" when the worker
   *     uses an sshd it did not start
   * @throws HostUnreachableException naming the workers that did not report in time
   * @throws ToolkitException when stopped
   */
  public Map<String, String> awaitReady(Duration timeout, JobProcesses stop)
      throws ToolkitException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      stop.checkStopped();
      List<String> missing = new ArrayList<>();
      synchronized (this) {
        for (String worker : workers) {
          Peer peer = peers.get(worker);
          if (peer == null || peer.hostKey == null) {
            missing.add(worker);
          } else if (peer.lostReason != null) {
            throw new HostUnreachableException(
                worker, "Worker " + worker + " left before the job started: " + peer.lostReason);
          }
        }
        if (missing.isEmpty()) {
          Map<String, String> keys = new LinkedHashMap<>();
          workers.forEach(worker -> keys.put(worker, peers.get(worker).hostKey));
          return keys;
        }
        if (System.nanoTime() - deadline >= 0) {
          StringBuilder message =
              new StringBuilder("Worker host")
                  .append(missing.size() == 1 ? " " : "s ")
                  .append(String.join(", ", missing))
                  .append(" did not report ready within ")
                  .append(timeout.toSeconds())
                  .append(" s (SMTK_STARTUP_TIMEOUT_SECONDS); the toolkit on ")
                  .append(missing.size() == 1 ? "that host" : "those hosts")
                  .append(" never connected to the master's control port ")
                  .append(server.getLocalPort());
          rejections.forEach(
              (from, why) -> message.append("; rejected ").append(from).append(": ").append(why));
          throw new HostUnreachableException(missing.get(0), message.toString());
        }
        try {
          wait(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ToolkitException("Interrupted while waiting for the workers " + missing, e);
        }
      }
    }
  }

  /**
   * Tells every connected worker how the job ended and waits (briefly) until each has closed its
   * end.
   *
   * @param outcome the outcome
   */
  public void finish(JobOutcome outcome) {
    List<Peer> open;
    synchronized (this) {
      finishing = true;
      open = new ArrayList<>(peers.values());
    }
    String line = "END " + outcome.encode();
    for (Peer peer : open) {
      peer.send(line);
      try {
        peer.socket.shutdownOutput();
      } catch (IOException e) {
        // Already gone: nothing left to tell it.
      }
    }
    long deadline = System.nanoTime() + FINISH_TIMEOUT.toNanos();
    for (Peer peer : open) {
      try {
        peer.reader.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    List<Peer> open;
    synchronized (this) {
      closed = true;
      open = new ArrayList<>(peers.values());
      notifyAll();
    }
    try {
      server.close();
    } catch (IOException e) {
      // Closing: nothing to do.
    }
    open.forEach(Peer::close);
    heartbeat.interrupt();
  }

  private void acceptLoop() {
    while (true) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      daemon("smtk-control-" + socket.getInetAddress().getHostAddress(), () -> serve(socket))
          .start();
    }
  }

  private void serve(Socket socket) {
    String from = socket.getInetAddress().getHostAddress();
    Peer peer = null;
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String[] hello = words(in.readLine());
      if (hello.length != 4 || !hello[0].equals("HELLO") || !hello[1].equals(PROTOCOL)) {
        reject(socket, from, "not a worker of this toolkit version: " + Arrays.toString(hello));
        return;
      }
      String host = hello[3];
      if (!hello[2].equals(jobId)) {
        reject(
            socket,
            from,
            host + " belongs to another job (" + hello[2] + ", this job is " + jobId + ")");
        return;
      }
      if (!workers.contains(host)) {
        reject(socket, from, host + " is not a worker of this job " + workers);
        return;
      }
      if (!resolvesTo(host, socket.getInetAddress())) {
        reject(socket, from, "connected from " + from + ", which is not an address of " + host);
        return;
      }
      peer = new Peer(host, socket);
      synchronized (this) {
        Peer previous = peers.get(host);
        if (previous != null && previous.hostKey != null) {
          reject(socket, from, host + " is already registered");
          return;
        }
        peers.put(host, peer);
      }
      peer.send("KEY " + publicKey);
      String[] ready = words(in.readLine());
      if (ready.length < 2 || !ready[0].equals("READY")) {
        throw new IOException("expected READY from " + host + ", got " + Arrays.toString(ready));
      }
      String hostKey =
          ready[1].equals("-")
              ? ""
              : String.join(" ", Arrays.asList(ready).subList(1, ready.length));
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, peerTimeout.toMillis()));
      synchronized (this) {
        peer.hostKey = hostKey;
        notifyAll();
      }
      log.info("Worker " + host + " available for communication");
      readUntilEnd(peer, in);
    } catch (SocketTimeoutException e) {
      lost(peer, "sent nothing for " + peerTimeout.toSeconds() + " s (SMTK_PEER_TIMEOUT_SECONDS)");
    } catch (IOException e) {
      lost(peer, "its connection failed: " + e.getMessage());
    }
  }

  private void readUntilEnd(Peer peer, BufferedReader in) throws IOException {
    while (true) {
      String line = in.readLine();
      if (line == null) {
        lost(peer, "its toolkit closed the control connection");
        return;
      }
      if (line.startsWith("BYE")) {
        lost(peer, "its toolkit left the job: " + line.substring(3).strip());
        return;
      }
      // PING: the worker is alive; the read timeout restarts.
    }
  }

  private void lost(Peer peer, String reason) {
    if (peer == null) {
      return;
    }
    BiConsumer<String, String> listener;
    synchronized (this) {
      peer.close();
      if (finishing || closed || peer.lostReason != null) {
        return; // the end of the job: workers close once told
      }
      peer.lostReason = reason;
      notifyAll();
      listener = peer.hostKey == null ? null : lostListener;
    }
    log.error("Lost contact with worker " + peer.host + ": " + reason);
    if (listener != null) {
      listener.accept(peer.host, reason);
    }
  }

  private synchronized void reject(Socket socket, String from, String reason) {
    log.warning("Rejected a control connection from " + from + ": " + reason);
    rejections.put(from, reason);
    try {
      socket.close();
    } catch (IOException e) {
      // Closing: nothing to do.
    }
  }

  private void heartbeatLoop() {
    while (true) {
      try {
        Thread.sleep(HEARTBEAT_INTERVAL.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      List<Peer> open;
      synchronized (this) {
        if (closed || finishing) {
          return;
        }
        open = new ArrayList<>(peers.values());
      }
      open.forEach(peer -> peer.send("PING"));
    }
  }

  private static boolean resolvesTo(String host, InetAddress address) {
    try {
      for (InetAddress candidate : InetAddress.getAllByName(host)) {
        if (candidate.equals(address)) {
          return true;
        }
      }
      return address.isLoopbackAddress() && InetAddress.getLocalHost().getHostName().equals(host);
    } catch (UnknownHostException e) {
      return false;
    }
  }

  static String[] words(String line) {
    return line == null ? new String[0] : line.strip().split(" ");
  }

  private static Thread daemon(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  /** One worker's connection. */
  private static final class Peer {
    final String host;
    final Socket socket;
    final Thread reader = Thread.currentThread();
    String hostKey; // guarded by the server; null until READY
    String lostReason; // guarded by the server

    Peer(String host, Socket socket) {
      this.host = host;
      this.socket = socket;
    }

    synchronized void send(String line) {
      try {
        OutputStream out = socket.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        // The reader notices a broken connection and reports the worker lost.
      }
    }

    void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // Closing: nothing to do.
      }
    }
  }
}
