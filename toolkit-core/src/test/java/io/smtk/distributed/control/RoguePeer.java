package io.smtk.distributed.control;

import io.smtk.distributed.DistributedRunners;
import io.smtk.distributed.control.ControlMessages.Challenge;
import io.smtk.distributed.control.ControlMessages.Hello;
import io.smtk.distributed.control.ControlMessages.Session;
import io.smtk.environment.Hardware;
import io.smtk.environment.ToolkitSettings;
import io.smtk.environment.TrainingEnvironmentReader;
import io.smtk.process.StopCheck;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A peer of the job control channel that is not what it claims: the attacks of issue 13 on the
 * channel, for tests. Its static methods play one side of the handshake by hand (for tests on the
 * loopback interface); {@link #main} runs one attack as a program inside a network namespace and
 * prints what happened, one line per event, on stdout.
 *
 * <p>Attacks against a master ({@code MODE MASTER PORT ...}): {@code wrong-key HOST}, {@code
 * old-protocol HOST}, {@code garbage-ready}, {@code oversized MEBIBYTES}, {@code slow HOST}, {@code
 * flood COUNT SECONDS}, {@code authenticated-malformed-ready HOST} (needs the job's key: it reads
 * the job tree {@code SAGEMAKER_BASE_DIR} names, as a host of the job would), and {@code battery
 * HOST} (the first five, one after the other). As a master ({@code fake-master ADDRESS PORT
 * SECONDS}): the old protocol's key and {@code END 0}, or a forged challenge.
 */
public final class RoguePeer {

  /** A syntactically valid SSH key the attacker would like authorized. */
  static final String ATTACKER_KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHN0ZXN0c3Rlc3RzdGVzdHN0ZXN0c3Rlc3RzdGVzdHN0 attacker";

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private RoguePeer() {}

  /**
   * Runs one attack and prints what happened.
   *
   * @param args the mode and its arguments (see the class comment)
   * @throws Exception when the attack cannot even be tried
   */
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String address = args[1];
    int port = Integer.parseInt(args[2]);
    List<String> rest = Arrays.asList(args).subList(3, args.length);
    switch (mode) {
      case "fake-master" -> fakeMaster(address, port, Integer.parseInt(rest.get(0)));
      case "battery" -> {
        // One after the other, as one peer: each gets its own rejection, none is turned away for
        // crowding.
        String host = rest.get(0);
        attackMaster("wrong-key", address, port, List.of(host));
        attackMaster("old-protocol", address, port, List.of(host));
        attackMaster("garbage-ready", address, port, List.of());
        attackMaster("oversized", address, port, List.of("64"));
        attackMaster("slow", address, port, List.of(host));
      }
      case "authenticated-malformed-ready" -> {
        ChannelKey key =
            DistributedRunners.channelKey(
                TrainingEnvironmentReader.withHardware(new Hardware(1, 0, 0))
                    .read(ToolkitSettings.from(System.getenv())),
                ToolkitSettings.from(System.getenv()));
        try (Socket socket = connect(address, port)) {
          LineReader in = new LineReader(socket);
          Session session = workerHandshake(socket, in, key, rest.get(0));
          print("authenticated as " + rest.get(0));
          write(socket, session.seal("READY garbage"));
          print("sent READY garbage; then: " + readAll(in, session));
        }
      }
      default -> attackMaster(mode, address, port, rest);
    }
    System.out.flush();
  }

  private static void attackMaster(String mode, String master, int port, List<String> rest)
      throws Exception {
    switch (mode) {
      case "wrong-key" -> {
        try (Socket socket = connect(master, port)) {
          LineReader in = new LineReader(socket);
          write(socket, ControlMessages.hello(rest.get(0), ControlMessages.nonce()));
          print("challenge: " + line(in));
          write(socket, ControlMessages.proofMessage("0".repeat(64)));
          print("after a wrong proof: " + outcome(in));
        }
      }
      case "old-protocol" -> {
        try (Socket socket = connect(master, port)) {
          LineReader in = new LineReader(socket);
          write(socket, "HELLO SMTK1 0123456789abcdef " + rest.get(0));
          write(socket, "READY -");
          print("old protocol: " + outcome(in));
        }
      }
      case "garbage-ready" -> {
        try (Socket socket = connect(master, port)) {
          write(socket, "READY garbage");
          print("unauthenticated READY garbage: " + outcome(new LineReader(socket)));
        }
      }
      case "oversized" -> {
        try (Socket socket = connect(master, port)) {
          print("oversized line: " + sendUntilClosed(socket, Long.parseLong(rest.get(0)) << 20));
        }
      }
      case "slow" -> {
        try (Socket socket = connect(master, port)) {
          long start = System.nanoTime();
          byte[] hello =
              (ControlMessages.hello(rest.get(0), ControlMessages.nonce()) + "\n")
                  .getBytes(StandardCharsets.US_ASCII);
          int sent = 0;
          try {
            for (; sent < hello.length; sent++) {
              socket.getOutputStream().write(hello[sent]);
              socket.getOutputStream().flush();
              Thread.sleep(500);
              if (socket.getInputStream().available() > 0 || closed(socket)) {
                break;
              }
            }
            print(
                "slow sender: sent "
                    + sent
                    + " bytes in "
                    + Duration.ofNanos(System.nanoTime() - start).toSeconds()
                    + " s; then: "
                    + outcome(new LineReader(socket)));
          } catch (IOException e) {
            print(
                "slow sender: cut off after "
                    + sent
                    + " bytes and "
                    + Duration.ofNanos(System.nanoTime() - start).toSeconds()
                    + " s: "
                    + e.getMessage());
          }
        }
      }
      case "flood" -> {
        List<Socket> sockets = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < Integer.parseInt(rest.get(0)); i++) {
          try {
            sockets.add(connect(master, port));
          } catch (IOException e) {
            refused++;
          }
        }
        Thread.sleep(Long.parseLong(rest.get(1)) * 1000);
        int closedByMaster = 0;
        for (Socket socket : sockets) {
          if (closed(socket)) {
            closedByMaster++;
          }
          socket.close();
        }
        print(
            "flood: "
                + sockets.size()
                + " connected, "
                + refused
                + " refused, "
                + closedByMaster
                + " closed by the master");
      }
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    }
  }

  /**
   * Listens where the master should, answering every worker as a fake master would: the old
   * protocol's {@code KEY} and {@code END 0}, and (every other connection) a forged {@code
   * CHALLENGE} first.
   */
  private static void fakeMaster(String address, int port, int seconds) throws IOException {
    int connections = 0;
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    try (ServerSocket server = new ServerSocket()) {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getByName(address), port));
      server.setSoTimeout(200);
      print("fake master listening on " + address + ":" + port);
      while (System.nanoTime() < end) {
        Socket socket;
        try {
          socket = server.accept();
        } catch (java.net.SocketTimeoutException e) {
          continue;
        }
        boolean oldProtocol = connections++ % 2 == 0;
        try (socket) {
          LineReader in = new LineReader(socket);
          String hello = line(in);
          if (!oldProtocol) {
            write(socket, ControlMessages.challenge(ControlMessages.nonce(), "1".repeat(64)));
          }
          write(socket, "KEY " + ATTACKER_KEY);
          write(socket, "END 0 -1 " + "ZmFrZQ== ZmFrZQ== ZmFrZQ==");
          print(
              "fake master answered ("
                  + (oldProtocol ? "old protocol" : "forged challenge")
                  + ") "
                  + hello
                  + "; then: "
                  + outcome(in));
        } catch (IOException | ControlProtocolException e) {
          print("fake master: " + e.getMessage());
        }
      }
    }
    print("fake master gone");
  }

  /**
   * Plays a worker's side of the handshake: HELLO, checks the master's proof, sends its own, and
   * reads the sealed KEY.
   *
   * @return the worker's session
   */
  static Session workerHandshake(Socket socket, LineReader in, ChannelKey key, String host)
      throws IOException, ControlProtocolException {
    String nonce = ControlMessages.nonce();
    write(socket, ControlMessages.hello(host, nonce));
    Challenge challenge = ControlMessages.parseChallenge(line(in));
    if (!ControlMessages.verify(
        ControlMessages.proof(key, ControlMessages.MASTER, host, nonce, challenge.nonce()),
        challenge.proof())) {
      throw new ControlProtocolException("the master's proof does not verify");
    }
    write(
        socket,
        ControlMessages.proofMessage(
            ControlMessages.proof(key, ControlMessages.WORKER, host, nonce, challenge.nonce())));
    Session session =
        new Session(key.session(host, nonce, challenge.nonce()), ControlMessages.WORKER);
    ControlMessages.parseKey(session.open(line(in)));
    return session;
  }

  /**
   * Plays a master's side of the handshake: reads HELLO, proves itself, checks the worker's proof.
   *
   * @return the master's session
   */
  static Session masterHandshake(Socket socket, LineReader in, ChannelKey key)
      throws IOException, ControlProtocolException {
    Hello hello = ControlMessages.parseHello(line(in));
    String nonce = ControlMessages.nonce();
    write(
        socket,
        ControlMessages.challenge(
            nonce,
            ControlMessages.proof(
                key, ControlMessages.MASTER, hello.host(), hello.nonce(), nonce)));
    String proof = ControlMessages.parseProof(line(in));
    if (!ControlMessages.verify(
        ControlMessages.proof(key, ControlMessages.WORKER, hello.host(), hello.nonce(), nonce),
        proof)) {
      throw new ControlProtocolException("the worker's proof does not verify");
    }
    return new Session(key.session(hello.host(), hello.nonce(), nonce), ControlMessages.MASTER);
  }

  static String line(LineReader in) throws IOException, ControlProtocolException {
    try {
      String line =
          in.readLine(
              ControlMessages.MAX_END_BYTES,
              System.nanoTime() + TIMEOUT.toNanos(),
              StopCheck.NEVER,
              "");
      if (line == null) {
        throw new IOException("the peer closed the connection");
      }
      return line;
    } catch (io.smtk.process.TrainingStoppedException e) {
      throw new IllegalStateException(e);
    }
  }

  static void write(Socket socket, String line) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** What the other side did next: closed the connection, or what it sent. */
  static String outcome(LineReader in) {
    try {
      return "it sent " + ControlMessages.shown(line(in));
    } catch (IOException | ControlProtocolException e) {
      return "closed (" + e.getMessage() + ")";
    }
  }

  private static String readAll(LineReader in, Session session) {
    StringBuilder seen = new StringBuilder();
    try {
      while (true) {
        seen.append(session.open(line(in))).append("; ");
      }
    } catch (IOException | ControlProtocolException e) {
      return seen.append("closed (").append(e.getMessage()).append(")").toString();
    }
  }

  /** Sends up to {@code bytes} without a newline; says how much went through before a close. */
  static String sendUntilClosed(Socket socket, long bytes) {
    byte[] chunk = new byte[64 * 1024];
    Arrays.fill(chunk, (byte) 'A');
    long sent = 0;
    try {
      while (sent < bytes) {
        socket.getOutputStream().write(chunk);
        sent += chunk.length;
      }
      socket.getOutputStream().flush();
      return "sent all " + sent + " bytes; then: " + outcome(new LineReader(socket));
    } catch (IOException e) {
      return "cut off after " + sent + " of " + bytes + " bytes (" + e.getMessage() + ")";
    }
  }

  static Socket connect(String host, int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), 5000);
    return socket;
  }

  private static boolean closed(Socket socket) {
    try {
      socket.setSoTimeout(1);
      return socket.getInputStream().read() < 0;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true;
    } catch (IOException e) {
      return true;
    }
  }

  private static void print(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
