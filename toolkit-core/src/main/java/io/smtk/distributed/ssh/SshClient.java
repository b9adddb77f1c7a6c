package io.smtk.distributed.ssh;

import io.smtk.ToolkitException;
import io.smtk.distributed.cluster.HostUnreachableException;
import io.smtk.distributed.cluster.JobProcesses;
import io.smtk.distributed.cluster.LaunchConfigurationException;
import io.smtk.environment.ToolkitSettings;
import io.smtk.process.StopCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The SSH client side of the MPI master: the config file mpirun's {@code ssh} uses ({@code -mca
 * plm_rsh_args "-F <config>"}), with a key pair made for this job and the workers' host keys pinned
 * as they reported them over the control channel; or the config named by {@code SMTK_SSH_CONFIG}.
 */
public final class SshClient implements AutoCloseable {

  private static final int LOGIN_TIMEOUT_SECONDS = 30;

  private final Path config;
  private final Path dir;
  private final String publicKey;

  private SshClient(Path config, Path dir, String publicKey) {
    this.config = config;
    this.dir = dir;
    this.publicKey = publicKey;
  }

  /**
   * Uses {@code SMTK_SSH_CONFIG} when set, else makes a key pair for this job.
   *
   * @param settings the toolkit's settings
   * @return the client; close it to delete the key
   * @throws ToolkitException if the key cannot be made
   */
  public static SshClient create(ToolkitSettings settings) throws ToolkitException {
    if (settings.sshConfig().isPresent()) {
      Path external = settings.sshConfig().get().toAbsolutePath();
      if (!Files.isReadable(external)) {
        throw new LaunchConfigurationException(
            "SMTK_SSH_CONFIG names " + external + ", which cannot be read");
      }
      return new SshClient(external, null, null);
    }
    Path dir = null;
    try {
      dir = SshKeys.privateDirectory("smtk-ssh-");
      Path key = dir.resolve("id_ed25519");
      SshKeys.generate(key, "smtk-job");
      String publicKey =
          Files.readString(dir.resolve("id_ed25519.pub"), StandardCharsets.UTF_8).strip();
      return new SshClient(dir.resolve("ssh_config"), dir, publicKey);
    } catch (IOException e) {
      SshKeys.deleteQuietly(dir);
      throw new ToolkitException("Cannot make the job's SSH key: " + e.getMessage(), e);
    }
  }

  /**
   * Returns the public key workers must authorize.
   *
   * @return the key line, or null when {@code SMTK_SSH_CONFIG} is used
   */
  public String publicKey() {
    return publicKey;
  }

  /**
   * Returns the config file for {@code ssh -F}.
   *
   * @return the path
   */
  public Path config() {
    return config;
  }

  /**
   * Writes the generated config, pinning the host keys the workers reported; a worker that reported
   * none (its sshd was not started by the toolkit) is not checked, as in the Python toolkit's
   * images.
   *
   * @param hostKeys worker to host key line, "" when unknown
   * @throws ToolkitException if the config cannot be written
   */
  public void writeConfig(Map<String, String> hostKeys) throws ToolkitException {
    if (dir == null) {
      return;
    }
    StringBuilder knownHosts = new StringBuilder();
    StringBuilder text = new StringBuilder();
    hostKeys.forEach(
        (host, key) -> {
          // Plain split on purpose: it drops trailing empty strings, so "type " (no blob) stays
          // one part and is not pinned.
          @SuppressWarnings("StringSplitter")
          String[] parts = key.split(" ");
          // Keys come checked from the control channel; one without a blob is not pinned.
          if (parts.length >= 2) {
            knownHosts
                .append(host)
                .append(' ')
                .append(parts[0])
                .append(' ')
                .append(parts[1])
                .append('\n');
            text.append("Host ").append(host).append("\n  StrictHostKeyChecking yes\n");
          }
        });
    text.append("Host *\n")
        .append("  IdentityFile ")
        .append(dir.resolve("id_ed25519"))
        .append('\n')
        .append("  IdentitiesOnly yes\n")
        // Host keys are made at each start, so there is nothing to pin ahead of time for hosts that
        // did not report one; the job's network is isolated.
        .append("  StrictHostKeyChecking no\n")
        .append("  UserKnownHostsFile ")
        .append(dir.resolve("known_hosts"))
        .append('\n')
        .append("  GlobalKnownHostsFile /dev/null\n")
        .append("  BatchMode yes\n")
        .append("  LogLevel ERROR\n")
        .append("  ConnectTimeout 10\n")
        // A worker that vanishes without closing its connections is noticed by ssh, and so by
        // mpirun.
        .append("  ServerAliveInterval 5\n")
        .append("  ServerAliveCountMax 6\n");
    try {
      Files.writeString(dir.resolve("known_hosts"), knownHosts.toString());
      Files.writeString(config, text.toString());
    } catch (IOException e) {
      throw new ToolkitException(
          "Cannot write the SSH client config in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Logs in to a worker and runs {@code true}, proving that mpirun will be able to (a TCP probe
   * would only prove that something listens).
   *
   * @param host the worker
   * @param environment the environment ssh runs with
   * @param stop asked while ssh runs
   * @throws HostUnreachableException naming the host and ssh's error when the login fails
   * @throws ToolkitException when stopped
   */
  public void checkLogin(String host, Map<String, String> environment, JobProcesses stop)
      throws ToolkitException {
    List<String> command = List.of("ssh", "-F", config.toString(), host, "true");
    try {
      Path output = Files.createTempFile("smtk-ssh-check-", ".log");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process ssh = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LOGIN_TIMEOUT_SECONDS);
        while (!ssh.waitFor(StopCheck.POLL.toMillis(), TimeUnit.MILLISECONDS)
            && System.nanoTime() - deadline < 0) {
          try {
            stop.checkStopped();
          } catch (ToolkitException e) {
            ssh.destroyForcibly();
            throw e;
          }
        }
        if (ssh.isAlive()) {
          ssh.destroyForcibly();
          throw new HostUnreachableException(
              host,
              "SSH login to worker "
                  + host
                  + " did not finish within "
                  + LOGIN_TIMEOUT_SECONDS
                  + " s");
        }
        if (ssh.exitValue() != 0) {
          throw new HostUnreachableException(
              host,
              "SSH login to worker "
                  + host
                  + " failed (exit code "
                  + ssh.exitValue()
                  + "): "
                  + Files.readString(output, StandardCharsets.UTF_8).strip());
        }
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new HostUnreachableException(host, "Cannot run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolkitException("Interrupted while checking SSH to " + host, e);
    }
  }

  @Override
  public void close() {
    SshKeys.deleteQuietly(dir);
  }
}
