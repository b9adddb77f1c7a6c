package io.smtk.distributed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Several SageMaker-like hosts {@code algo-1..algo-N} on this machine, one network namespace each,
 * each with its own sshd, for tests of multi-host launchers; close it to remove everything.
 *
 * <p>{@link #start(int)} runs {@code .ci/netns-hosts.sh up}, generates a client key and a host key
 * per host, and starts {@code /usr/sbin/sshd -D} inside every namespace with its own config
 * (listening on the host's address only, keys from a temporary folder, {@code UsePAM no}, {@code
 * StrictModes no}). Commands run inside a namespace through {@code ip netns exec NS unshare --uts
 * sh -c 'hostname algo-K; exec "$@"'}, so {@code gethostname()} says {@code algo-K} there, and
 * sshd's sessions inherit that name.
 *
 * <p>Every SSH session on host K gets {@code SAGEMAKER_BASE_DIR} set to {@link #baseDir(int)} (sshd
 * {@code SetEnv}), as if each host had its own {@code /opt/ml}. {@link #sshConfig()} is a client
 * config with the job key, {@code StrictHostKeyChecking no} and {@code UserKnownHostsFile
 * /dev/null}; pass it to mpirun as {@code --mca plm_rsh_args "-F <config>"}.
 *
 * <p>{@link #close()} ends only processes this object started, by PID: each started process and its
 * descendants, then any process still inside the cluster's namespaces (which only this object's
 * processes can have created, as the prefix is random). Then it deletes the namespaces and the
 * temporary folder. A JVM shutdown hook does the same if the test never gets to close it.
 *
 * <p>Never send anything to a host address from the root namespace: those packets are not routed
 * locally and would leave the machine. Run every client with {@link #start} or {@link #run}.
 */
public final class NetnsCluster implements AutoCloseable {

  private static final Duration SSHD_START_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final String SCRIPT = ".ci/netns-hosts.sh";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String prefix;
  private final Path script;
  private final Path workDir;
  private final List<String> namespaces = new ArrayList<>();
  private final List<String> addresses = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final List<Process> sshds = new ArrayList<>();
  private final Thread shutdownHook;
  private boolean closed;

  private NetnsCluster(String prefix, Path script, Path workDir) {
    this.prefix = prefix;
    this.script = script;
    this.workDir = workDir;
    this.shutdownHook = new Thread(this::closeQuietly, "netns-cluster-" + prefix);
  }

  /**
   * Returns why a cluster cannot be started here, if it cannot: not root, no {@code ip netns}, or a
   * missing program.
   *
   * @return the reason, or empty when everything is there
   */
  public static Optional<String> unavailableReason() {
    try {
      ExecResult id = exec(List.of("id", "-u"), Duration.ofSeconds(10));
      if (!id.stdout().strip().equals("0")) {
        return Optional.of(
            "network namespaces need root, but this runs as uid " + id.stdout().strip());
      }
      ExecResult netns = exec(List.of("ip", "netns", "list"), Duration.ofSeconds(10));
      if (netns.exitCode() != 0) {
        return Optional.of("'ip netns list' failed: " + netns.stderr().strip());
      }
    } catch (IOException e) {
      return Optional.of("cannot run id/ip: " + e.getMessage());
    }
    for (String program :
        List.of("/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/ssh-keygen", "/usr/bin/unshare")) {
      if (!Files.isExecutable(Paths.get(program))) {
        return Optional.of(program + " is missing (run .ci/install-system-packages.sh)");
      }
    }
    if (findScript().isEmpty()) {
      return Optional.of(SCRIPT + " not found above " + Paths.get("").toAbsolutePath());
    }
    return Optional.empty();
  }

  /**
   * Fails the test in CI ({@code CI} set) and skips it elsewhere when a cluster cannot be started,
   * so CI never skips a multi-host test silently.
   *
   * @param extraReason another reason the test cannot run (a missing program), or empty
   */
  public static void requireAvailable(Optional<String> extraReason) {
    Optional<String> reason = unavailableReason().or(() -> extraReason);
    if (reason.isEmpty()) {
      return;
    }
    String message = "multi-host test cannot run: " + reason.get();
    if (System.getenv("CI") != null) {
      Assertions.fail(message + " (CI must provide root, iproute2, OpenMPI and openssh)");
    }
    Assumptions.abort(message + " (skipped outside CI)");
  }

  /**
   * Starts a cluster with a random namespace prefix.
   *
   * @param hosts the host count, 1 or more
   * @return the running cluster; close it
   * @throws IOException if a step fails; everything started so far is removed first
   * @throws InterruptedException if interrupted while waiting for sshd
   */
  public static NetnsCluster start(int hosts) throws IOException, InterruptedException {
    return start(hosts, randomPrefix("smtk"));
  }

  /**
   * Returns a fresh namespace prefix for {@code .ci/netns-hosts.sh}: a fixed one would make every
   * run after a killed one (which left its namespaces behind) fail with "namespaces ... already
   * exist".
   *
   * @param stem the start of the prefix, a letter first (at most 14 characters)
   * @return {@code stem}, six random lowercase letters and {@code -}, e.g. {@code smtkabcdef-}
   */
  public static String randomPrefix(String stem) {
    StringBuilder prefix = new StringBuilder(stem);
    for (int i = 0; i < 6; i++) {
      prefix.append((char) ('a' + RANDOM.nextInt(26)));
    }
    return prefix.append('-').toString();
  }

  /**
   * Starts a cluster whose namespaces are {@code PREFIX1..PREFIXN} and {@code PREFIXsw}.
   *
   * @param hosts the host count, 1 or more
   * @param prefix the namespace prefix, which must not end in a digit
   * @return the running cluster; close it
   * @throws IOException if a step fails; everything started so far is removed first
   * @throws InterruptedException if interrupted while waiting for sshd
   */
  public static NetnsCluster start(int hosts, String prefix)
      throws IOException, InterruptedException {
    Path script =
        findScript()
            .orElseThrow(() -> new IOException(SCRIPT + " not found; run from the repository"));
    Path workDir = Files.createTempDirectory("smtk-netns-");
    NetnsCluster cluster = new NetnsCluster(prefix, script, workDir);
    Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
    try {
      cluster.up(hosts);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.closeQuietly();
      throw e;
    }
  }

  /**
   * Returns the number of hosts.
   *
   * @return N
   */
  public int size() {
    return namespaces.size();
  }

  /**
   * Returns the namespace prefix.
   *
   * @return for example {@code smtkabcdef-}
   */
  public String prefix() {
    return prefix;
  }

  /**
   * Returns the host namespaces, host 1 first (the switch namespace is not included).
   *
   * @return the namespace names
   */
  public List<String> namespaces() {
    return List.copyOf(namespaces);
  }

  /**
   * Returns host K's namespace.
   *
   * @param host 1-based host number
   * @return the namespace name
   */
  public String namespace(int host) {
    return namespaces.get(checkHost(host) - 1);
  }

  /**
   * Returns host K's host name.
   *
   * @param host 1-based host number
   * @return {@code algo-K}
   */
  public String hostname(int host) {
    return "algo-" + checkHost(host);
  }

  /**
   * Returns host K's address; only for use from inside a namespace.
   *
   * @param host 1-based host number
   * @return for example {@code 10.123.51.2}
   */
  public String address(int host) {
    return addresses.get(checkHost(host) - 1);
  }

  /**
   * Returns the cluster's temporary folder, deleted by {@link #close()}; every host sees it.
   *
   * @return the folder
   */
  public Path workDir() {
    return workDir;
  }

  /**
   * Returns host K's private folder (its sshd config, keys and log live here).
   *
   * @param host 1-based host number
   * @return the folder
   */
  public Path hostDir(int host) {
    return workDir.resolve("host" + checkHost(host));
  }

  /**
   * Returns host K's stand-in for {@code /opt/ml}, which SSH sessions on that host get as {@code
   * SAGEMAKER_BASE_DIR}.
   *
   * @param host 1-based host number
   * @return the folder (created)
   */
  public Path baseDir(int host) {
    return hostDir(host).resolve("opt-ml");
  }

  /**
   * Returns the SSH client config that reaches every host as root with the job key.
   *
   * @return the config file
   */
  public Path sshConfig() {
    return workDir.resolve("ssh_config");
  }

  /**
   * Returns the PIDs of the running sshd daemons, host 1 first.
   *
   * @return the PIDs
   */
  public List<Long> sshdPids() {
    List<Long> pids = new ArrayList<>();
    for (Process sshd : sshds) {
      pids.add(sshd.pid());
    }
    return pids;
  }

  /**
   * Returns the argv that runs a command inside host K's namespace with host name {@code algo-K}.
   *
   * @param host 1-based host number
   * @param command the command
   * @return {@code ip netns exec NS unshare --uts sh -c 'hostname algo-K; exec "$@"' sh command...}
   */
  public List<String> inHost(int host, List<String> command) {
    List<String> argv = new ArrayList<>();
    argv.addAll(
        List.of(
            "ip",
            "netns",
            "exec",
            namespace(host),
            "unshare",
            "--uts",
            "sh",
            "-c",
            "hostname " + hostname(host) + " && exec \"$@\"",
            "sh"));
    argv.addAll(command);
    return argv;
  }

  /**
   * Starts a command inside host K; {@link #close()} ends it and its descendants if still running.
   *
   * @param host 1-based host number
   * @param command the command
   * @param env variables to add to the environment
   * @param stdout where its stdout goes (a file)
   * @param stderr where its stderr goes (a file)
   * @return the started process
   * @throws IOException if it cannot be started
   */
  public synchronized Process start(
      int host, List<String> command, Map<String, String> env, Path stdout, Path stderr)
      throws IOException {
    if (closed) {
      throw new IllegalStateException("cluster " + prefix + " is closed");
    }
    ProcessBuilder builder =
        new ProcessBuilder(inHost(host, command))
            .directory(workDir.toFile())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  /**
   * Runs a command inside host K and waits for it.
   *
   * @param host 1-based host number
   * @param timeout how long it may run
   * @param command the command
   * @param env variables to add to the environment
   * @return its exit code and output
   * @throws IOException if it cannot be started or runs past the timeout (it is then killed)
   * @throws InterruptedException if interrupted while waiting
   */
  public ExecResult run(int host, Duration timeout, List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(workDir, "run-", ".out");
    Path err = Files.createTempFile(workDir, "run-", ".err");
    Process process = start(host, command, env, out, err);
    boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!finished) {
      stop(List.of(process));
    }
    ExecResult result =
        new ExecResult(
            finished ? process.exitValue() : -1,
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    if (!finished) {
      throw new IOException(
          "timed out after "
              + timeout
              + " on "
              + hostname(host)
              + ": "
              + command
              + "\nstdout:\n"
              + result.stdout()
              + "\nstderr:\n"
              + result.stderr());
    }
    return result;
  }

  /**
   * Takes host K off the network ({@code ip -n NS link set eth0 down}), as if it lost power without
   * closing its connections: its peers get no FIN or RST, only silence.
   *
   * @param host 1-based host number
   * @throws IOException if the link cannot be set down
   */
  public void disconnect(int host) throws IOException {
    ExecResult result =
        exec(
            List.of("ip", "-n", namespace(host), "link", "set", "eth0", "down"),
            Duration.ofSeconds(10));
    if (result.exitCode() != 0) {
      throw new IOException("cannot disconnect " + hostname(host) + ": " + result.stderr());
    }
  }

  /**
   * Kills (SIGKILL) every process inside host K's namespace, by PID, as if the host had died: its
   * toolkit, its sshd and whatever they started.
   *
   * @param host 1-based host number
   * @return the PIDs killed
   * @throws IOException if the namespace's processes cannot be listed
   */
  public List<Long> killHost(int host) throws IOException {
    ExecResult result =
        exec(List.of("ip", "netns", "pids", namespace(host)), Duration.ofSeconds(10));
    List<Long> killed = new ArrayList<>();
    for (String pid : result.stdout().strip().split("\\s+")) {
      if (!pid.isEmpty()) {
        ProcessHandle.of(Long.parseLong(pid))
            .ifPresent(
                handle -> {
                  handle.destroyForcibly();
                  killed.add(handle.pid());
                });
      }
    }
    return killed;
  }

  /**
   * Ends every process this cluster started, deletes the namespaces and the temporary folder.
   * Idempotent.
   *
   * @throws IOException if the namespaces could not be deleted
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // Already shutting down: this is the hook itself running.
    }
    IOException failure = null;
    try {
      stop(processes);
      stopStragglers();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      failure = e;
    }
    try {
      ExecResult down =
          exec(
              List.of(script.toString(), "down", prefix, "--kill-stragglers"),
              Duration.ofSeconds(60));
      if (down.exitCode() != 0) {
        throw new IOException("netns-hosts.sh down " + prefix + " failed: " + down.stderr());
      }
    } catch (IOException e) {
      if (failure != null) {
        e.addSuppressed(failure);
      }
      failure = e;
    }
    deleteRecursively(workDir);
    if (failure != null) {
      throw failure;
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (IOException | RuntimeException e) {
      System.err.println("netns cluster " + prefix + ": cleanup failed: " + e);
    }
  }

  private void up(int hosts) throws IOException, InterruptedException {
    if (hosts < 1) {
      throw new IllegalArgumentException("hosts must be at least 1: " + hosts);
    }
    ExecResult up =
        exec(
            List.of(script.toString(), "up", Integer.toString(hosts), prefix),
            Duration.ofSeconds(60));
    if (up.exitCode() != 0) {
      throw new IOException("netns-hosts.sh up failed (" + up.exitCode() + "): " + up.stderr());
    }
    for (String line : up.stdout().strip().split("\n")) {
      String[] fields = line.strip().split(" ");
      namespaces.add(fields[1]);
      addresses.add(fields[2]);
    }
    if (namespaces.size() != hosts) {
      throw new IOException(
          "netns-hosts.sh up printed " + namespaces.size() + " hosts: " + up.stdout());
    }

    // sshd refuses to start without its privilege separation folder.
    Files.createDirectories(Paths.get("/run/sshd"));
    Path clientKey = workDir.resolve("client_key");
    keygen(clientKey);
    Files.writeString(
        sshConfig(),
        String.join(
            "\n",
            "Host *",
            "  User root",
            "  IdentityFile " + clientKey,
            "  IdentitiesOnly yes",
            "  StrictHostKeyChecking no",
            "  UserKnownHostsFile /dev/null",
            "  GlobalKnownHostsFile /dev/null",
            "  BatchMode yes",
            "  LogLevel ERROR",
            "  ConnectTimeout 5",
            "  ServerAliveInterval 5",
            "  ServerAliveCountMax 3",
            ""));

    for (int host = 1; host <= hosts; host++) {
      Path dir = Files.createDirectories(hostDir(host));
      Files.createDirectories(baseDir(host));
      Path hostKey = dir.resolve("ssh_host_ed25519_key");
      keygen(hostKey);
      Path config = dir.resolve("sshd_config");
      Files.writeString(
          config,
          String.join(
              "\n",
              "ListenAddress " + address(host),
              "Port 22",
              "HostKey " + hostKey,
              "AuthorizedKeysFile " + clientKey + ".pub",
              "PidFile " + dir.resolve("sshd.pid"),
              "UsePAM no",
              "StrictModes no",
              "PermitRootLogin prohibit-password",
              "PubkeyAuthentication yes",
              "PasswordAuthentication no",
              "KbdInteractiveAuthentication no",
              "PrintMotd no",
              "SetEnv SAGEMAKER_BASE_DIR=" + baseDir(host),
              ""));
      sshds.add(
          start(
              host,
              List.of("/usr/sbin/sshd", "-D", "-e", "-f", config.toString()),
              Map.of(),
              dir.resolve("sshd.out"),
              dir.resolve("sshd.log")));
    }
    for (int host = 1; host <= hosts; host++) {
      awaitSshd(host);
    }
    // Proves the whole path (resolution, routing, keys) from the master, the way mpirun will use
    // it.
    for (int host = 1; host <= hosts; host++) {
      awaitSsh(1, host);
    }
  }

  private void awaitSshd(int host) throws IOException, InterruptedException {
    Process sshd = sshds.get(host - 1);
    Path pidFile = hostDir(host).resolve("sshd.pid");
    long deadline = System.nanoTime() + SSHD_START_TIMEOUT.toNanos();
    // sshd writes its PID file once it listens.
    while (!Files.exists(pidFile)) {
      if (!sshd.isAlive()) {
        throw new IOException(
            "sshd on "
                + hostname(host)
                + " exited with "
                + sshd.exitValue()
                + ": "
                + Files.readString(hostDir(host).resolve("sshd.log")));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "sshd on " + hostname(host) + " did not start in " + SSHD_START_TIMEOUT);
      }
      Thread.sleep(20);
    }
  }

  private void awaitSsh(int from, int to) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + SSHD_START_TIMEOUT.toNanos();
    List<String> probe =
        List.of(
            "ssh",
            "-F",
            sshConfig().toString(),
            hostname(to),
            "hostname; echo $SAGEMAKER_BASE_DIR");
    while (true) {
      ExecResult result = run(from, Duration.ofSeconds(15), probe, Map.of());
      String expected = hostname(to) + "\n" + baseDir(to) + "\n";
      if (result.exitCode() == 0 && result.stdout().equals(expected)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "ssh from "
                + hostname(from)
                + " to "
                + hostname(to)
                + " failed ("
                + result.exitCode()
                + "): "
                + result.stdout()
                + result.stderr()
                + "\nsshd log:\n"
                + Files.readString(hostDir(to).resolve("sshd.log")));
      }
      Thread.sleep(100);
    }
  }

  // Ends processes (and what they started) by PID: SIGTERM, then SIGKILL after a grace period.
  private static void stop(List<Process> targets) throws InterruptedException {
    Set<ProcessHandle> handles = new LinkedHashSet<>();
    for (Process process : targets) {
      // Descendants first: once a parent dies its children are re-parented and out of reach.
      process.descendants().forEach(handles::add);
      handles.add(process.toHandle());
    }
    handles.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (ProcessHandle handle : handles) {
      long left = deadline - System.nanoTime();
      try {
        handle.onExit().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        handle.destroyForcibly();
      }
    }
    for (Process process : targets) {
      process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  // A process that escaped its parent (double fork) is still inside one of our namespaces.
  private void stopStragglers() throws IOException, InterruptedException {
    for (String namespace : namespaces) {
      ExecResult pids = exec(List.of("ip", "netns", "pids", namespace), Duration.ofSeconds(10));
      for (String pid : pids.stdout().strip().split("\\s+")) {
        if (!pid.isEmpty()) {
          ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
    }
  }

  private static void keygen(Path key) throws IOException {
    ExecResult result =
        exec(
            List.of(
                "ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                "smtk-netns",
                "-f",
                key.toString()),
            Duration.ofSeconds(30));
    if (result.exitCode() != 0) {
      throw new IOException("ssh-keygen failed: " + result.stderr());
    }
  }

  private int checkHost(int host) {
    if (host < 1 || host > namespaces.size()) {
      throw new IllegalArgumentException(
          "no host " + host + " in a cluster of " + namespaces.size());
    }
    return host;
  }

  private static Optional<Path> findScript() {
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(SCRIPT);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  // Runs a short command in the root namespace (setup only; never a client of a cluster address).
  private static ExecResult exec(List<String> command, Duration timeout) throws IOException {
    Path out = Files.createTempFile("smtk-netns-", ".out");
    Path err = Files.createTempFile("smtk-netns-", ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new IOException("timed out after " + timeout + ": " + command);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted: " + command, e);
      }
      return new ExecResult(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(NetnsCluster::deleteQuietly);
    } catch (IOException | UncheckedIOException e) {
      System.err.println("netns cluster: could not delete " + dir + ": " + e);
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      System.err.println("netns cluster: could not delete " + path + ": " + e);
    }
  }

  /**
   * What a command printed and how it ended.
   *
   * @param exitCode its exit status, -1 if it was killed for running too long
   * @param stdout everything it wrote to stdout
   * @param stderr everything it wrote to stderr
   */
  public record ExecResult(int exitCode, String stdout, String stderr) {

    /**
     * Returns a one-line-per-stream summary for assertion messages.
     *
     * @return the exit code and both streams
     */
    public String describe() {
      return String.format(
          Locale.ROOT, "exit %d%nstdout:%n%s%nstderr:%n%s", exitCode, stdout, stderr);
    }
  }
}
