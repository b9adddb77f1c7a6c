package io.smtk.cli;

import io.smtk.ToolkitException;
import io.smtk.code.PythonInterpreter;
import io.smtk.environment.ToolkitSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * {@code smtk warm-up}: one representative job, run when the toolkit's class-data-sharing archive
 * is made ({@code bin/smtk} after each build, the images at build time), so that the classes of a
 * real job are in it.
 *
 * <p>The job takes its code from {@code s3://} like many SageMaker jobs, served by a stand-in S3 on
 * 127.0.0.1 inside this process, so that the S3 client, the download and the extraction are
 * archived too; then it runs a Python entry point (a shell script where there is no Python). Its
 * output is shown only when it fails; it leaves nothing behind.
 */
final class WarmUp {

  private static final String KEY = "warm-up/sourcedir.tar.gz";

  private WarmUp() {}

  /**
   * Runs the warm-up job.
   *
   * @param processEnvironment the toolkit's environment (PATH and SMTK_PYTHON are used)
   * @return the job's exit status, 0 when all went well
   * @throws IOException if the job's folders or the stand-in S3 cannot be set up
   */
  static int run(Map<String, String> processEnvironment) throws IOException {
    Path base = Files.createTempDirectory("smtk-warm-up-");
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      byte[] archive = sourceArchive();
      Thread s3 = new Thread(() -> serve(server, archive), "smtk-warm-up-s3");
      s3.setDaemon(true);
      s3.start();

      Map<String, String> environment = new HashMap<>(processEnvironment);
      environment.put("SAGEMAKER_BASE_DIR", base.toString());
      environment.put("SM_STUDIO_LOCAL_MODE", "true");
      environment.put("S3_ENDPOINT_URL", "http://127.0.0.1:" + server.getLocalPort());
      environment.put("AWS_REGION", "us-east-1");
      environment.put("AWS_ACCESS_KEY_ID", "warm-up");
      environment.put("AWS_SECRET_ACCESS_KEY", "warm-up");
      environment.remove("AWS_SESSION_TOKEN");
      environment.remove("SAGEMAKER_PROGRAM");
      environment.remove("SAGEMAKER_TRAINING_MODULE");
      Path config = Files.createDirectories(base.resolve("input/config"));
      Files.createDirectories(base.resolve("input/data/train"));
      String program = hasPython(environment) ? "train.py" : "train";
      Files.writeString(
          config.resolve("hyperparameters.json"),
          "{\"sagemaker_submit_directory\": \"s3://bucket/"
              + KEY
              + "\", \"sagemaker_program\": \""
              + program
              + "\"}");
      Files.writeString(config.resolve("inputdataconfig.json"), "{\"train\": {}}");
      Files.writeString(
          config.resolve("resourceconfig.json"),
          "{\"current_host\": \"algo-1\", \"hosts\": [\"algo-1\"]}");
      // Kept, and shown only when the job fails: a warm-up that fails makes no archive, and says
      // why.
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      PrintStream log = new PrintStream(output, true, StandardCharsets.UTF_8);
      int status = TrainCommand.train(environment, log, log);
      if (status != 0) {
        System.err.print(output.toString(StandardCharsets.UTF_8));
        System.err.println("smtk warm-up: the warm-up job failed with status " + status);
      }
      return status;
    } finally {
      deleteTree(base);
    }
  }

  private static boolean hasPython(Map<String, String> environment) {
    try {
      PythonInterpreter.find(ToolkitSettings.from(environment));
      return true;
    } catch (ToolkitException | RuntimeException e) {
      return false;
    }
  }

  /** The job's code: a Python entry point and a shell one, gzip-compressed. */
  private static byte[] sourceArchive() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
      add(tar, "train.py", "print('warm-up')\n", 0644);
      add(tar, "train", "#!/bin/sh\nexit 0\n", 0755);
    }
    return bytes.toByteArray();
  }

  private static void add(TarArchiveOutputStream tar, String name, String text, int mode)
      throws IOException {
    byte[] content = text.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(content.length);
    entry.setMode(mode);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  /** Answers every GET with the archive (a ranged GET with the range S3 would give). */
  private static void serve(ServerSocket server, byte[] archive) {
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        for (String head = readHead(in); !head.isEmpty(); head = readHead(in)) {
          boolean found = head.startsWith("GET /bucket/" + KEY);
          String response =
              found
                  ? "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-"
                      + (archive.length - 1)
                      + "/"
                      + archive.length
                      + "\r\nETag: \"warm-up\"\r\nContent-Type: application/octet-stream\r\n"
                      + "Content-Length: "
                      + archive.length
                      + "\r\n\r\n"
                  : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
          out.write(response.getBytes(StandardCharsets.US_ASCII));
          if (found) {
            out.write(archive);
          }
          out.flush();
        }
      } catch (IOException e) {
        // The server socket was closed at the end of the job, or a client went away.
      }
    }
  }

  /** Reads a request's head up to its blank line; empty at the end of the connection. */
  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      head.append((char) c);
      if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
        return head.toString();
      }
    }
    return "";
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.deleteIfExists(path);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // A temporary folder; best effort.
    }
  }
}
