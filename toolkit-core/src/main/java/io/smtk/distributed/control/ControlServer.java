package io.smtk.distributed.control;

import io.smtk.ToolkitException;
import io.smtk.distributed.cluster.HostUnreachableException;
import io.smtk.distributed.cluster.JobProcesses;
import io.smtk.distributed.cluster.LaunchConfigurationException;
import io.smtk.distributed.control.ControlMessages.Hello;
import io.smtk.distributed.control.ControlMessages.Session;
import io.smtk.distributed.control.LineReader.MessageTimeoutException;
import io.smtk.logging.ToolkitLog;
import io.smtk.process.StopCheck;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The MPI master's end of the job control channel: every worker connects to it, proves it holds the
 * job's key (and checks that the master does, see {@link ControlMessages}), receives the job's SSH
 * public key, reports that its sshd is ready (with its host key), exchanges heartbeats while the
 * job runs, and finally receives the job's {@link JobOutcome}.
 *
 * <p>What a peer that is not part of the job can do changes nothing: the server listens on the
 * job's address only; a connection from an address that is none of the workers' is closed before
 * anything is read; at most {@value #MAX_PENDING_PER_ADDRESS} connections per address and {@value
 * #MAX_PENDING} in all may be authenticating at once (one thread each); each handshake message may
 * have {@value ControlMessages#MAX_HANDSHAKE_BYTES} bytes and the whole handshake must arrive
 * within {@link #HANDSHAKE_TIMEOUT}; a host is registered only once its proof verifies, so a peer
 * claiming a worker's name locks nobody out. Such a peer is rejected, logged and named if the real
 * worker never comes. A peer that does hold the key and then breaks the protocol (a malformed
 * {@code READY}, a message whose authentication code does not verify) fails the job, and the
 * failure reaches every worker through {@link #finish}.
 */
public final class ControlServer implements AutoCloseable {

  static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(2);
  static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  static final int MAX_PENDING_PER_ADDRESS = 4;
  static final int MAX_PENDING = 32;
  private static final int MAX_REJECTIONS_KEPT = 20;
  private static final Duration FINISH_TIMEOUT = Duration.ofSeconds(5);

  private final ServerSocket server;
  private final ChannelKey key;
  private final List<String> workers;
  private final Set<InetAddress> workerAddresses;
  private final Duration peerTimeout;
  private final Duration handshakeTimeout;
  private final ToolkitLog log;
  private final String publicKey;
  private final Thread acceptor;
  private final Thread heartbeat;
  private final AtomicInteger internalErrors = new AtomicInteger();

  // All guarded by this.
  private final Map<String, Peer> peers = new LinkedHashMap<>();
  private final Map<InetAddress, Integer> pending = new HashMap<>();
  private final Map<String, String> rejections = new LinkedHashMap<>();
  private int rejected;
  private String protocolFailure;
  private BiConsumer<String, String> lostListener = (host, reason) -> {};
  private boolean finishing;
  private boolean closed;

  private ControlServer(
      ServerSocket server,
      ChannelKey key,
      List<String> workers,
      Set<InetAddress> workerAddresses,
      String publicKey,
      Duration peerTimeout,
      Duration handshakeTimeout,
      ToolkitLog log) {
    this.server = server;
    this.key = key;
    this.workers = List.copyOf(workers);
    this.workerAddresses = Set.copyOf(workerAddresses);
    this.publicKey = publicKey == null ? "-" : publicKey;
    this.peerTimeout = peerTimeout;
    this.handshakeTimeout = handshakeTimeout;
    this.log = log;
    this.acceptor = daemon("smtk-control-accept", this::acceptLoop);
    this.heartbeat = daemon("smtk-control-heartbeat", this::heartbeatLoop);
  }

  /**
   * Listens on the job's address for the given workers.
   *
   * @param address the address to listen on: this host's on the job's network
   * @param port the TCP port
   * @param key the job's channel key
   * @param workers the worker host names (each must resolve now)
   * @param publicKey the SSH public key line workers authorize, or null when SSH is set up
   *     elsewhere
   * @param peerTimeout how long a worker may be silent
   * @param log the toolkit's log
   * @return the listening server
   * @throws ToolkitException if the port cannot be opened
   */
  public static ControlServer open(
      InetAddress address,
      int port,
      ChannelKey key,
      List<String> workers,
      String publicKey,
      Duration peerTimeout,
      ToolkitLog log)
      throws ToolkitException {
    return open(address, port, key, workers, publicKey, peerTimeout, HANDSHAKE_TIMEOUT, log);
  }

  /** {@link #open} with another handshake timeout (tests of slow peers). */
  static ControlServer open(
      InetAddress address,
      int port,
      ChannelKey key,
      List<String> workers,
      String publicKey,
      Duration peerTimeout,
      Duration handshakeTimeout,
      ToolkitLog log)
      throws ToolkitException {
    Set<InetAddress> addresses = new LinkedHashSet<>();
    for (String worker : workers) {
      try {
        addresses.addAll(List.of(InetAddress.getAllByName(worker)));
      } catch (UnknownHostException e) {
        throw new HostUnreachableException(
            worker, "Worker host name " + worker + " does not resolve on the master", e);
      }
    }
    ServerSocket socket;
    try {
      socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(address, port));
    } catch (IOException e) {
      throw new LaunchConfigurationException(
          "Cannot listen on the job control port "
              + address.getHostAddress()
              + ":"
              + port
              + " (SMTK_CONTROL_PORT): "
              + e.getMessage(),
          e);
    }
    ControlServer control =
        new ControlServer(
            socket, key, workers, addresses, publicKey, peerTimeout, handshakeTimeout, log);
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
   * Returns how many connections failed on an unexpected internal error (a bug, which tests assert
   * never happens whatever a peer sends).
   *
   * @return the count
   */
  int internalErrors() {
    return internalErrors.get();
  }

  /**
   * Returns how many connections are authenticating now.
   *
   * @return the count
   */
  synchronized int authenticating() {
    return pending.values().stream().mapToInt(Integer::intValue).sum();
  }

  /**
   * Returns how many connections were rejected so far.
   *
   * @return the count
   */
  synchronized int rejected() {
    return rejected;
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
   * @throws ControlProtocolException when a worker that proved it holds the key broke the protocol
   * @throws ToolkitException when stopped
   */
  public Map<String, String> awaitReady(Duration timeout, JobProcesses stop)
      throws ToolkitException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      stop.checkStopped();
      List<String> missing = new ArrayList<>();
      synchronized (this) {
        if (protocolFailure != null) {
          throw new ControlProtocolException(protocolFailure);
        }
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
          wait(StopCheck.POLL.toMillis());
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
      InetAddress from = socket.getInetAddress();
      String refusal = admit(from);
      if (refusal != null) {
        reject(socket, from.getHostAddress(), refusal);
        continue;
      }
      try {
        daemon("smtk-control-" + from.getHostAddress(), () -> serve(socket)).start();
      } catch (OutOfMemoryError | RuntimeException e) {
        // No thread to be had: the peer is turned away, the server goes on.
        release(from);
        reject(socket, from.getHostAddress(), "no thread to serve it: " + e);
      }
    }
  }

  /** Counts a connection in, or says why it is refused before anything is read. */
  private synchronized String admit(InetAddress from) {
    if (!workerAddresses.contains(from)) {
      return "not the address of any worker of this job " + workers;
    }
    int total = pending.values().stream().mapToInt(Integer::intValue).sum();
    int fromThere = pending.getOrDefault(from, 0);
    if (total >= MAX_PENDING || fromThere >= MAX_PENDING_PER_ADDRESS) {
      return "too many of its connections are authenticating at once";
    }
    pending.put(from, fromThere + 1);
    return null;
  }

  private synchronized void release(InetAddress from) {
    pending.computeIfPresent(from, (address, count) -> count <= 1 ? null : count - 1);
  }

  private void serve(Socket socket) {
    InetAddress address = socket.getInetAddress();
    String from = address.getHostAddress();
    Peer peer = null;
    boolean counted = true;
    try {
      socket.setTcpNoDelay(true);
      LineReader in = new LineReader(socket);
      long handshakeEnd = System.nanoTime() + handshakeTimeout.toNanos();
      String helloLine = read(in, ControlMessages.MAX_HANDSHAKE_BYTES, handshakeEnd);
      if (helloLine == null) {
        reject(socket, from, "it closed the connection without a word");
        return;
      }
      Hello hello = ControlMessages.parseHello(helloLine);
      String host = hello.host();
      if (!workers.contains(host)) {
        reject(socket, from, "it claims to be " + host + ", which is not a worker " + workers);
        return;
      }
      if (!resolvesTo(host, address)) {
        reject(socket, from, "it claims to be " + host + ", whose address it is not");
        return;
      }
      String masterNonce = ControlMessages.nonce();
      write(
          socket,
          ControlMessages.challenge(
              masterNonce,
              ControlMessages.proof(
                  key, ControlMessages.MASTER, host, hello.nonce(), masterNonce)));
      String proofLine = read(in, ControlMessages.MAX_HANDSHAKE_BYTES, handshakeEnd);
      if (proofLine == null) {
        reject(socket, from, "it closed the connection instead of proving it holds the job's key");
        return;
      }
      String expected =
          ControlMessages.proof(key, ControlMessages.WORKER, host, hello.nonce(), masterNonce);
      if (!ControlMessages.verify(expected, ControlMessages.parseProof(proofLine))) {
        reject(
            socket,
            from,
            "it claims to be "
                + host
                + " but does not hold the job's key (failed authentication; "
                + (key.fromSecret() ? "a different SMTK_JOB_SECRET?" : "no SMTK_JOB_SECRET")
                + ")");
        return;
      }
      Session session =
          new Session(key.session(host, hello.nonce(), masterNonce), ControlMessages.MASTER);
      peer = new Peer(host, socket, session);
      synchronized (this) {
        Peer previous = peers.get(host);
        if (closed || finishing) {
          peer = null;
          reject(socket, from, host + " came after the job ended");
          return;
        }
        if (previous != null && previous.lostReason == null) {
          peer = null;
          reject(socket, from, host + " is already registered");
          return;
        }
        peers.put(host, peer);
      }
      release(address);
      counted = false;
      peer.send("KEY " + publicKey);
      Duration readyTimeout =
          handshakeTimeout.compareTo(peerTimeout) >= 0 ? handshakeTimeout : peerTimeout;
      long readyEnd = System.nanoTime() + readyTimeout.toNanos();
      String ready = read(in, ControlMessages.MAX_MESSAGE_BYTES, readyEnd);
      if (ready == null) {
        lost(peer, "its toolkit closed the control connection before reporting ready");
        return;
      }
      String hostKey = ControlMessages.parseReady(session.open(ready));
      synchronized (this) {
        peer.hostKey = hostKey;
        notifyAll();
      }
      log.info("Worker " + host + " available for communication");
      readUntilEnd(peer, in);
    } catch (ControlProtocolException e) {
      if (peer == null) {
        reject(socket, from, e.getMessage());
      } else {
        brokeProtocol(peer, e);
      }
    } catch (IOException e) {
      if (peer == null) {
        reject(socket, from, "its connection failed: " + e.getMessage());
      } else {
        lost(peer, "its connection failed: " + e.getMessage());
      }
    } catch (RuntimeException e) {
      internalErrors.incrementAndGet();
      log.error("Internal error on the control connection from " + from + ": " + e);
      if (peer == null) {
        reject(socket, from, "internal error: " + e);
      } else {
        lost(peer, "internal error: " + e);
      }
    } finally {
      if (counted) {
        release(address);
      }
    }
  }

  private String read(LineReader in, int maxBytes, long deadline)
      throws IOException, ControlProtocolException {
    try {
      return in.readLine(maxBytes, deadline, StopCheck.NEVER, "");
    } catch (io.smtk.process.TrainingStoppedException e) {
      throw new IllegalStateException("StopCheck.NEVER stopped", e);
    }
  }

  private void readUntilEnd(Peer peer, LineReader in) throws IOException {
    while (true) {
      String message;
      try {
        // One whole message per peer timeout: a trickle of bytes does not keep a peer alive.
        String line =
            read(in, ControlMessages.MAX_MESSAGE_BYTES, System.nanoTime() + peerTimeout.toNanos());
        if (line == null) {
          lost(peer, "its toolkit closed the control connection");
          return;
        }
        message = peer.session.open(line);
        if (message.startsWith("BYE ")) {
          lost(peer, "its toolkit left the job: " + ControlMessages.parseBye(message));
          return;
        }
        if (!message.equals("PING")) {
          throw new ControlProtocolException(
              "it sent an unexpected message " + ControlMessages.shown(message));
        }
      } catch (MessageTimeoutException e) {
        lost(
            peer,
            e.partial()
                ? "it sent part of a message and not the rest within "
                    + peerTimeout.toSeconds()
                    + " s (SMTK_PEER_TIMEOUT_SECONDS)"
                : "sent nothing for " + peerTimeout.toSeconds() + " s (SMTK_PEER_TIMEOUT_SECONDS)");
        return;
      } catch (ControlProtocolException e) {
        brokeProtocol(peer, e);
        return;
      }
    }
  }

  /** A peer that proved it holds the key broke the protocol: the job fails, on every host. */
  private void brokeProtocol(Peer peer, ControlProtocolException e) {
    String reason = "Worker " + peer.host + " broke the job control protocol: " + e.getMessage();
    boolean ready;
    synchronized (this) {
      ready = peer.hostKey != null;
      if (!ready && protocolFailure == null && !finishing && !closed) {
        protocolFailure = reason;
        notifyAll();
      }
    }
    if (ready) {
      lost(peer, "it broke the job control protocol: " + e.getMessage());
    } else {
      log.error(reason);
      // Kept open: finish() tells this peer too how the job ended.
    }
  }

  private void lost(Peer peer, String reason) {
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

  private void reject(Socket socket, String from, String reason) {
    boolean logged;
    synchronized (this) {
      rejected++;
      // Bounded: a flood of rejected peers costs neither memory nor a flooded log.
      logged = rejections.containsKey(from) || rejections.size() < MAX_REJECTIONS_KEPT;
      if (logged) {
        rejections.put(from, reason);
      }
      logged = logged && rejected <= 10 * MAX_REJECTIONS_KEPT;
    }
    if (logged) {
      log.warning("Rejected a control connection from " + from + ": " + reason);
    }
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
      return false;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static void write(Socket socket, String line) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static Thread daemon(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  /** One authenticated worker's connection. */
  private static final class Peer {
    final String host;
    final Socket socket;
    final Session session;
    final Thread reader = Thread.currentThread();
    String hostKey; // guarded by the server; null until READY
    String lostReason; // guarded by the server

    Peer(String host, Socket socket, Session session) {
      this.host = host;
      this.socket = socket;
      this.session = session;
    }

    synchronized void send(String message) {
      try {
        write(socket, session.seal(message));
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
