package io.smtk.distributed.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.distributed.control.ControlMessages.Session;
import io.smtk.logging.ToolkitLog;
import io.smtk.process.StopCheck;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes the job control protocol: whatever a peer sends, each message parser either reads it or
 * rejects it with a {@link ControlProtocolException}, the line reader returns a line or rejects it
 * the same way, and a master that is sent it rejects the connection cleanly and goes on serving.
 * Never an unchecked exception.
 */
class ControlProtocolPropertiesTest {

  private static final ChannelKey KEY = ChannelKey.fromSecret("fuzz", "job", "localhost");
  private static ControlServer server;
  private static final ByteArrayOutputStream LOGGED = new ByteArrayOutputStream();

  @BeforeContainer
  static void open() throws Exception {
    server =
        ControlServer.open(
            InetAddress.getLoopbackAddress(),
            0,
            KEY,
            List.of("localhost"),
            null,
            Duration.ofSeconds(10),
            Duration.ofSeconds(2),
            ToolkitLog.to(new PrintStream(LOGGED, true, StandardCharsets.UTF_8)));
  }

  @AfterContainer
  static void close() {
    server.close();
  }

  @Property(tries = 3000)
  void parsers_anyMessage_readOrRejectedWithAProtocolError(@ForAll("messages") String message) {
    Session session = new Session(KEY.session("localhost", "a", "b"), ControlMessages.MASTER);
    List<Parser> parsers =
        List.of(
            ControlMessages::parseHello,
            ControlMessages::parseChallenge,
            ControlMessages::parseProof,
            ControlMessages::parseKey,
            ControlMessages::parseReady,
            ControlMessages::parseBye,
            JobOutcome::decode,
            session::open,
            text -> ControlMessages.isKeyLine(text) ? "" : null);
    for (Parser parser : parsers) {
      try {
        parser.parse(message);
      } catch (ControlProtocolException e) {
        assertThat(e.getMessage()).isNotBlank();
      }
    }
  }

  @Property(tries = 300)
  void readLine_anyBytes_linesOrAProtocolError(@ForAll("bytes") byte[] bytes) throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        Socket accepted = listener.accept()) {
      client.getOutputStream().write(bytes);
      client.close();
      LineReader in = new LineReader(accepted);
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      try {
        while (in.readLine(64, deadline, StopCheck.NEVER, "") != null) {
          // Each line read is within the limit; read on to the end.
        }
      } catch (ControlProtocolException e) {
        assertThat(e.getMessage()).isNotBlank();
      }
    }
  }

  @Property(tries = 60)
  void serve_anyBytesFromAPeer_rejectedCleanlyAndTheMasterGoesOnServing(
      @ForAll("bytes") byte[] bytes) throws Exception {
    int rejectedBefore = server.rejected();
    try (Socket peer = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      try {
        peer.getOutputStream().write(bytes);
        peer.getOutputStream().write('\n');
      } catch (IOException e) {
        // The master may close first: what it does is checked below.
      }
    }
    awaitRejected(rejectedBefore + 1);

    assertThat(server.internalErrors()).as(LOGGED.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(server.rejected()).isEqualTo(rejectedBefore + 1);
    // Still serving: a worker's HELLO gets the master's challenge.
    try (Socket worker = RoguePeer.connect("localhost", server.port())) {
      RoguePeer.write(worker, ControlMessages.hello("localhost", ControlMessages.nonce()));
      assertThat(RoguePeer.line(new LineReader(worker))).startsWith("CHALLENGE ");
    }
    awaitRejected(rejectedBefore + 2);
  }

  @Provide
  Arbitrary<String> messages() {
    Arbitrary<String> word =
        Arbitraries.oneOf(
            Arbitraries.of(
                "HELLO",
                "SMTK2",
                "SMTK1",
                "CHALLENGE",
                "PROOF",
                "KEY",
                "READY",
                "BYE",
                "END",
                "-",
                "ssh-ed25519",
                "AAAAC3NzaC1lZDI1NTE5AAAAIA==",
                "0".repeat(64),
                "f".repeat(32),
                "-1",
                "255",
                "256",
                "2147483648",
                "YQ==",
                "!!",
                ""),
            Arbitraries.strings().all().ofMaxLength(12));
    return word.list().ofMaxSize(7).map(words -> String.join(" ", words));
  }

  @Provide
  Arbitrary<byte[]> bytes() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
    Arbitrary<byte[]> textual =
        messages().map(text -> (text + "\n").getBytes(StandardCharsets.UTF_8));
    return Arbitraries.oneOf(random, textual);
  }

  /** Waits until the master has rejected so many connections in all (and released them). */
  private static void awaitRejected(int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while ((server.rejected() < count || server.authenticating() > 0)
        && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
  }

  /** One message parser. */
  @FunctionalInterface
  private interface Parser {
    Object parse(String message) throws ControlProtocolException;
  }
}
