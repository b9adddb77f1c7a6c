package io.smtk.bench;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import io.smtk.s3.S3MockSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A standalone S3 server for {@code bench/startup-bench.sh}: S3Mock on 127.0.0.1 with bucket {@code
 * bucket}, as the tests run it, seeded with the given files.
 *
 * <p>Usage: {@code java -cp "$(cat bench/target/classpath):bench/target/classes"
 * io.smtk.bench.S3MockServer PORT_FILE [KEY=FILE]...}. Once every file is uploaded it writes the
 * HTTP port to {@code PORT_FILE}; it stops when its standard input closes.
 */
public final class S3MockServer {

  private S3MockServer() {}

  /**
   * Starts the server, uploads the files, writes the port and waits for standard input to close.
   *
   * @param args the port file, then {@code key=file} pairs
   * @throws IOException if a file cannot be read or the port file written
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: S3MockServer PORT_FILE [KEY=FILE]...");
    }
    S3MockExtension mock = S3MockSupport.extension(S3MockSupport.BUCKET);
    mock.start();
    try {
      try (S3Client client = S3MockSupport.testClient(mock.getHttpPort())) {
        for (int i = 1; i < args.length; i++) {
          int equals = args[i].indexOf('=');
          String key = args[i].substring(0, equals);
          Path file = Path.of(args[i].substring(equals + 1));
          client.putObject(
              b -> b.bucket(S3MockSupport.BUCKET).key(key), RequestBody.fromFile(file));
        }
      }
      Path portFile = Path.of(args[0]);
      Path written =
          Files.writeString(Files.createTempFile("s3mock-port", ""), "" + mock.getHttpPort());
      Files.move(written, portFile, StandardCopyOption.REPLACE_EXISTING);
      while (System.in.read() >= 0) {
        // Runs until the benchmark closes its end of the pipe.
      }
    } finally {
      mock.stop();
    }
  }
}
