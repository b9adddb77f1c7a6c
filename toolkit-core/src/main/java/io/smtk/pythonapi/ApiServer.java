package io.smtk.pythonapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;

/**
 * The running toolkit's end of the Python API: a Unix socket in a private folder (mode 0700) that
 * answers one JSON request per connection with one JSON reply, each a single line.
 *
 * <p>Requests are bounded in size and in number at once; a malformed one gets an error reply, never
 * a crash. Closing the server waits for the requests in progress (their user processes end with the
 * job's stop handling), so nothing the API started outlives the job.
 */
public final class ApiServer implements AutoCloseable {

  /** Answers one request. */
  @FunctionalInterface
  public interface Handler {
    /**
     * Answers a request.
     *
     * @param request the request object (its {@code op} says what is asked)
     * @return the reply object
     */
    ObjectNode handle(ObjectNode request);
  }

  /** A request larger than this is refused (the caller's whole environment travels in it). */
  static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

  private static final int MAX_CONCURRENT = 16;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path folder;
  private final Path socket;
  private final ServerSocketChannel server;
  private final Handler handler;
  private final Semaphore slots = new Semaphore(MAX_CONCURRENT);
  private final List<Thread> workers = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  private volatile boolean closed;

  private ApiServer(Path folder, ServerSocketChannel server, Handler handler) {
    this.folder = folder;
    this.socket = folder.resolve("api.sock");
    this.server = server;
    this.handler = handler;
    this.acceptor = new Thread(this::acceptLoop, "smtk-python-api");
    this.acceptor.setDaemon(true);
  }

  /**
   * Starts a server in a new private folder under the system's temporary folder.
   *
   * @param handler answers the requests
   * @return the running server
   * @throws IOException when the socket cannot be created
   */
  public static ApiServer start(Handler handler) throws IOException {
    Path folder =
        Files.createTempDirectory(
            "smtk-api-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.bind(UnixDomainSocketAddress.of(folder.resolve("api.sock")));
    } catch (IOException e) {
      channel.close();
      Files.deleteIfExists(folder);
      throw e;
    }
    ApiServer server = new ApiServer(folder, channel, handler);
    server.acceptor.start();
    return server;
  }

  /**
   * Returns the socket's path, the value of {@link PythonApi#SOCKET_VARIABLE}.
   *
   * @return the path
   */
  public Path socket() {
    return socket;
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel connection;
      try {
        connection = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (!slots.tryAcquire()) {
        reply(
            connection,
            error("Too many Python API requests at once (at most " + MAX_CONCURRENT + ")"));
        continue;
      }
      Thread worker =
          new Thread(
              () -> {
                try {
                  serve(connection);
                } finally {
                  slots.release();
                  workers.remove(Thread.currentThread());
                }
              },
              "smtk-python-api-request");
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
  }

  private void serve(SocketChannel connection) {
    ObjectNode reply;
    try {
      byte[] line = readLine(connection);
      var parsed = JSON.readTree(line);
      if (parsed == null || !parsed.isObject()) {
        reply = error("A Python API request must be one JSON object");
      } else {
        reply = handler.handle((ObjectNode) parsed);
      }
    } catch (RequestException e) {
      reply = error(e.getMessage());
    } catch (IOException e) {
      reply = error("Unreadable Python API request: " + e.getMessage());
    } catch (RuntimeException e) {
      reply = error("The toolkit could not answer the Python API request: " + e);
    }
    reply(connection, reply);
  }

  private static byte[] readLine(SocketChannel connection) throws IOException, RequestException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
    while (true) {
      chunk.clear();
      int read = connection.read(chunk);
      if (read < 0) {
        return buffer.toByteArray();
      }
      byte[] bytes = chunk.array();
      for (int i = 0; i < read; i++) {
        if (bytes[i] == '\n') {
          buffer.write(bytes, 0, i);
          return buffer.toByteArray();
        }
      }
      buffer.write(bytes, 0, read);
      if (buffer.size() > MAX_REQUEST_BYTES) {
        throw new RequestException(
            "A Python API request is larger than " + MAX_REQUEST_BYTES + " bytes");
      }
    }
  }

  private static void reply(SocketChannel connection, ObjectNode reply) {
    try (connection) {
      byte[] bytes = (JSON.writeValueAsString(reply) + "\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        connection.write(buffer);
      }
    } catch (IOException e) {
      // The caller is gone (e.g. stopped with the job): nothing is left to tell.
    }
  }

  /**
   * Returns an error reply.
   *
   * @param message what went wrong
   * @return the reply
   */
  public static ObjectNode error(String message) {
    ObjectNode reply = JSON.createObjectNode();
    reply.put("status", "error");
    reply.put("message", message);
    return reply;
  }

  /** Stops accepting requests, waits for those in progress and deletes the socket's folder. */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // Closing a listening socket has nothing to report.
    }
    for (Thread worker : workers) {
      try {
        worker.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    try {
      Files.deleteIfExists(socket);
      Files.deleteIfExists(folder);
    } catch (IOException e) {
      // A leftover empty folder in /tmp is harmless.
    }
  }

  /** A request the server refuses before it reaches the handler. */
  private static final class RequestException extends Exception {
    private static final long serialVersionUID = 1L;

    RequestException(String message) {
      super(message);
    }
  }
}
