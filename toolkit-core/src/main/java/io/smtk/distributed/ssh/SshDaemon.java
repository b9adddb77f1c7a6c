package io.smtk.distributed.ssh;

import io.smtk.ToolkitException;
import io.smtk.distributed.cluster.JobProcesses;
import io.smtk.distributed.cluster.LaunchConfigurationException;
import io.smtk.environment.ToolkitSettings;
import io.smtk.logging.ToolkitLog;
import io.smtk.process.BackgroundProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Makes sure an SSH daemon serves port 22 of this host for mpirun: uses the one that already
 * answers, or starts {@code /usr/sbin/sshd -D} with a host key made now and an authorized-keys file
 * that holds only the job's key, in a private temporary folder that is deleted at the end.
 */
public final class SshDaemon implements AutoCloseable {

  static final int PORT = 22;
  static final Path SSHD = Path.of("/usr/sbin/sshd");
  private static final int PROBE_TIMEOUT_MILLIS = 1000;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final BackgroundProcess daemon;
  private final Path dir;

  private SshDaemon(BackgroundProcess daemon, Path dir) {
    this.daemon = daemon;
    this.dir = dir;
  }

  /**
   * Uses the sshd that serves port 22 of this host, or starts one.
   *
   * @param host this host's name (an sshd must answer on its address, where mpirun connects)
   * @param settings the toolkit's settings
   * @param log the toolkit's log
   * @param stop asked while the daemon starts
   * @return the daemon; close it at the end of the job
   * @throws ToolkitException if no sshd is installed or it does not start, or when stopped
   */
  public static SshDaemon ensure(
      String host, ToolkitSettings settings, ToolkitLog log, JobProcesses stop)
      throws ToolkitException {
    if (answers(host, PORT)) {
      log.info("Using the SSH daemon that already serves port " + PORT + " of " + host);
      return new SshDaemon(null, null);
    }
    if (!Files.isExecutable(SSHD)) {
      throw new LaunchConfigurationException(
          "MPI needs an SSH daemon on every host, but "
              + SSHD
              + " is not installed and nothing serves port "
              + PORT
              + " of "
              + host
              + "; install openssh-server in the image");
    }
    log.info("Creating SSH daemon.");
    Path dir = null;
    try {
      dir = SshKeys.privateDirectory("smtk-sshd-");
      Path hostKey = dir.resolve("ssh_host_ed25519_key");
      SshKeys.generate(hostKey, "smtk-host-" + host);
      Path authorized = dir.resolve("authorized_keys");
      Files.writeString(authorized, "");
      Path config = dir.resolve("sshd_config");
      StringBuilder text =
          new StringBuilder()
              .append("Port ")
              .append(PORT)
              .append('\n')
              .append("HostKey ")
              .append(hostKey)
              .append('\n')
              .append("AuthorizedKeysFile ")
              .append(authorized)
              .append('\n')
              .append("PidFile ")
              .append(dir.resolve("sshd.pid"))
              .append('\n')
              .append("PermitRootLogin prohibit-password\n")
              .append("PubkeyAuthentication yes\n")
              .append("PasswordAuthentication no\n")
              .append("KbdInteractiveAuthentication no\n")
              .append("UsePAM no\n")
              // The key files live in a folder the toolkit made private; sshd's owner checks add
              // nothing.
              .append("StrictModes no\n")
              .append("PrintMotd no\n");
      if (settings.baseDirConfigured()) {
        // orted and the ranks it starts read this host's config (the hostname shim does).
        text.append("SetEnv SAGEMAKER_BASE_DIR=").append(settings.baseDir()).append('\n');
      }
      Files.writeString(config, text.toString());
      // sshd refuses to start without its privilege separation folder.
      Files.createDirectories(Path.of("/run/sshd"));
      BackgroundProcess sshd =
          BackgroundProcess.start(
              List.of(SSHD.toString(), "-D", "-e", "-f", config.toString()),
              Map.of(
                  "PATH",
                  settings.path().isEmpty() ? "/usr/sbin:/usr/bin:/sbin:/bin" : settings.path()),
              dir.resolve("sshd.log"));
      SshDaemon daemon = new SshDaemon(sshd, dir);
      daemon.awaitListening(host, stop);
      return daemon;
    } catch (IOException e) {
      SshKeys.deleteQuietly(dir);
      throw new ToolkitException(
          "Cannot start the SSH daemon on " + host + ": " + e.getMessage(), e);
    }
  }

  /**
   * Tells whether the toolkit started this daemon (and so decides whom it lets in).
   *
   * @return true for a daemon the toolkit started
   */
  public boolean started() {
    return daemon != null;
  }

  /**
   * Returns this daemon's public host key line, for the master to pin.
   *
   * @return the key line, or null for a daemon the toolkit did not start
   * @throws ToolkitException if the key cannot be read
   */
  public String hostKey() throws ToolkitException {
    if (daemon == null) {
      return null;
    }
    try {
      return Files.readString(dir.resolve("ssh_host_ed25519_key.pub"), StandardCharsets.UTF_8)
          .strip();
    } catch (IOException e) {
      throw new ToolkitException(
          "Cannot read the SSH host key in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Lets the master's key in, from the master's addresses only ({@code from="..."} in the
   * authorized keys, without agent, port or X11 forwarding and without a terminal) and only until
   * the job ends ({@link #close()} removes it).
   *
   * @param publicKey the key line
   * @param fromAddresses the addresses the master connects from
   * @throws ToolkitException if the key is malformed or the file cannot be written
   */
  public void authorize(String publicKey, List<String> fromAddresses) throws ToolkitException {
    if (daemon == null) {
      return;
    }
    if (!publicKey.matches("[a-z0-9][a-z0-9@.-]* [A-Za-z0-9+/=]+( [\\x20-\\x7e]*)?")) {
      throw new LaunchConfigurationException(
          "Refusing to authorize a malformed SSH key from the master: " + publicKey);
    }
    for (String address : fromAddresses) {
      if (!address.matches("[0-9A-Fa-f.:%a-z]+")) {
        throw new LaunchConfigurationException(
            "Refusing to authorize the master's key from a malformed address: " + address);
      }
    }
    String options =
        "from=\""
            + String.join(",", fromAddresses)
            + "\",no-agent-forwarding,no-port-forwarding,no-X11-forwarding,no-pty ";
    try {
      Files.writeString(
          dir.resolve("authorized_keys"),
          options + publicKey + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new ToolkitException(
          "Cannot authorize the job's SSH key in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Removes every authorized key: the job is over, nobody logs in any more.
   *
   * @return whether the keys are gone (or there were none to remove)
   */
  public boolean revoke() {
    if (daemon == null) {
      return true;
    }
    try {
      Files.writeString(dir.resolve("authorized_keys"), "");
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (daemon != null) {
      revoke();
      daemon.close();
      SshKeys.deleteQuietly(dir);
    }
  }

  private void awaitListening(String host, JobProcesses stop) throws ToolkitException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!answers(host, PORT)) {
      try {
        stop.checkStopped();
      } catch (ToolkitException e) {
        close();
        throw e;
      }
      if (!daemon.isAlive()) {
        String log = daemon.logTail();
        close();
        throw new ToolkitException(
            "The SSH daemon on "
                + host
                + " exited with code "
                + daemon.exitValue()
                + ": "
                + log.strip());
      }
      if (System.nanoTime() - deadline >= 0) {
        String log = daemon.logTail();
        close();
        throw new ToolkitException(
            "The SSH daemon on "
                + host
                + " did not listen on port "
                + PORT
                + " within "
                + START_TIMEOUT.toSeconds()
                + " s: "
                + log.strip());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new ToolkitException("Interrupted while starting the SSH daemon", e);
      }
    }
  }

  /**
   * Tells whether something accepts TCP connections on a port of a host.
   *
   * @param host the host name
   * @param port the port
   * @return true when a connection succeeds within a second
   */
  static boolean answers(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), PROBE_TIMEOUT_MILLIS);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
