package io.smtk.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of S3Mock that misbehaves on its first connections, one fault
 * per connection in the order given, then forwards faithfully.
 */
final class FaultyProxy implements AutoCloseable {

  /** What the proxy does to one connection. */
  enum Fault {
    /** Forward faithfully (a connection before the faulty ones). */
    FORWARD,
    /** Accept, then reset (RST) before reading anything: "connection reset". */
    RESET_ON_ACCEPT,
    /** Read the request, then reset without answering. */
    RESET_AFTER_REQUEST,
    /** Forward the request, pass about 64 KiB of the answer, then reset mid-body. */
    RESET_MID_RESPONSE,
    /** Answer 503 SlowDown (S3's throttling error) without forwarding. */
    SLOW_DOWN_503,
    /** Answer 500 InternalError without forwarding. */
    INTERNAL_ERROR_500
  }

  private final ServerSocket server;
  private final int upstreamPort;
  private final List<Fault> faults;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "faulty-proxy");
            t.setDaemon(true);
            return t;
          });
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  FaultyProxy(int upstreamPort, List<Fault> faults) throws IOException {
    this.upstreamPort = upstreamPort;
    this.faults = new ArrayList<>(faults);
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    threads.execute(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Lines such as {@code "connection 2: RESET_AFTER_REQUEST"}. */
  List<String> events() {
    return List.copyOf(events);
  }

  int faultsInjected() {
    return (int)
        events.stream().filter(e -> !e.endsWith("forwarded") && !e.endsWith("FORWARD")).count();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        int n = connections.incrementAndGet();
        Fault fault = n <= faults.size() ? faults.get(n - 1) : null;
        threads.execute(() -> serve(n, client, fault));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(int n, Socket client, Fault fault) {
    events.add("connection " + n + ": " + (fault == null ? "forwarded" : fault));
    try {
      if (fault == null || fault == Fault.FORWARD) {
        forward(client, Long.MAX_VALUE);
        return;
      }
      switch (fault) {
        case RESET_ON_ACCEPT -> reset(client);
        case RESET_AFTER_REQUEST -> {
          readHeaders(client.getInputStream());
          reset(client);
        }
        case RESET_MID_RESPONSE -> forward(client, 64 * 1024);
        case SLOW_DOWN_503 ->
            answer(client, 503, "Slow Down", "SlowDown", "Please reduce your request rate.");
        case INTERNAL_ERROR_500 ->
            answer(
                client,
                500,
                "Internal Server Error",
                "InternalError",
                "We encountered an internal error.");
        default -> throw new IllegalStateException(fault.toString());
      }
    } catch (IOException e) {
      closeQuietly(client);
    }
  }

  /**
   * Forwards one request (head, then any body) with {@code Connection: close} added, so that S3Mock
   * closes the connection after answering and the client opens a new one for its next request:
   * connection n is request n, whatever the client's pool would have reused. After {@code
   * responseLimit} bytes of answer, resets both sides.
   */
  private void forward(Socket client, long responseLimit) throws IOException {
    String head = new String(readHeaders(client.getInputStream()), StandardCharsets.ISO_8859_1);
    StringBuilder request = new StringBuilder();
    for (String line : head.split("\r\n", -1)) {
      if (!line.isEmpty() && !line.regionMatches(true, 0, "Connection:", 0, 11)) {
        request.append(line).append("\r\n");
      }
    }
    request.append("Connection: close\r\n\r\n");
    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
    open.add(upstream);
    upstream.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
    upstream.getOutputStream().flush();
    threads.execute(() -> pipe(client, upstream, Long.MAX_VALUE)); // the body of a PUT
    pipe(upstream, client, responseLimit);
    closeQuietly(client);
  }

  private void pipe(Socket from, Socket to, long limit) {
    byte[] buffer = new byte[16 * 1024];
    long passed = 0;
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int read;
      while ((read = in.read(buffer)) != -1) {
        int n = (int) Math.min(read, limit - passed);
        out.write(buffer, 0, n);
        out.flush();
        passed += n;
        if (passed >= limit) {
          reset(to);
          closeQuietly(from);
          return;
        }
      }
      to.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void answer(Socket client, int status, String reason, String code, String message)
      throws IOException {
    readHeaders(client.getInputStream());
    byte[] body =
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
                + code
                + "</Code><Message>"
                + message
                + "</Message><RequestId>proxy</RequestId></Error>")
            .getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + reason
            + "\r\nContent-Type: application/xml\r\nContent-Length: "
            + body.length
            + "\r\nConnection: close\r\n\r\n";
    OutputStream out = client.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
    client.close();
  }

  /** Reads up to the blank line that ends the request headers (any body is left unread). */
  private static byte[] readHeaders(InputStream in) throws IOException {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      seen.write(b);
      byte[] bytes = seen.toByteArray();
      int len = bytes.length;
      if (len >= 4
          && bytes[len - 4] == '\r'
          && bytes[len - 3] == '\n'
          && bytes[len - 2] == '\r'
          && bytes[len - 1] == '\n') {
        return bytes;
      }
    }
    return seen.toByteArray();
  }

  private static void reset(Socket socket) throws IOException {
    socket.setSoLinger(true, 0); // close() then sends RST instead of FIN
    socket.close();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : open) {
      closeQuietly(socket);
    }
    threads.shutdownNow();
  }
}
