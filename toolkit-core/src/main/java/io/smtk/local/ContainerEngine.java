package io.smtk.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A container engine ({@code podman} or {@code docker}) and the command lines {@code smtk local}
 * runs with it: one {@code run --rm IMAGE train} per host, on a job network when there are several.
 *
 * @param name {@code podman} or {@code docker}
 * @param executable the engine's program
 */
public record ContainerEngine(String name, Path executable) {

  /** Where SageMaker mounts a job inside the container. */
  static final String ML = "/opt/ml";

  /** Validates the parts. */
  public ContainerEngine {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(executable, "executable");
  }

  /**
   * Returns the command that runs one host.
   *
   * <p>Only {@code input}, {@code model} and {@code output} are mounted, plus {@code code} when the
   * job brings its code: mounting the whole tree on {@code /opt/ml} would hide the code an image
   * bakes into {@code /opt/ml/code}.
   *
   * @param job the job
   * @param host the host's name, e.g. {@code algo-1}
   * @param hostTree the host's tree on this machine
   * @param network the job's network, or null for a single host on the engine's default network
   * @param addresses every host's address on the network, or empty when the engine's DNS resolves
   *     the network aliases
   * @param environment variables for the container, in order, passed as {@code -e NAME=VALUE}
   * @param inherited variables passed as {@code -e NAME} alone: the engine takes each value from
   *     its own environment, so secrets (AWS credentials) never show on a command line or in {@code
   *     ps}
   * @return the command line
   */
  public List<String> runCommand(
      LocalJob job,
      String host,
      Path hostTree,
      String network,
      Map<String, String> addresses,
      Map<String, String> environment,
      Collection<String> inherited) {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.add("run");
    command.add("--rm");
    command.add("--name");
    command.add(containerName(job, host));
    command.add("--hostname");
    command.add(host);
    if (network != null) {
      command.add("--network");
      command.add(network);
      command.add("--network-alias");
      command.add(host);
      // Podman's CNI backend without the dnsname plugin resolves no aliases: fixed addresses and
      // /etc/hosts entries make algo-N resolve on every backend.
      if (addresses.containsKey(host)) {
        command.add("--ip");
        command.add(addresses.get(host));
        addresses.forEach(
            (name, address) -> {
              command.add("--add-host");
              command.add(name + ":" + address);
            });
      }
    }
    for (String dir : List.of("input", "model", "output")) {
      command.add("-v");
      command.add(hostTree.resolve(dir) + ":" + ML + "/" + dir);
    }
    if (job.sourceDir().isPresent()) {
      command.add("-v");
      command.add(hostTree.resolve("code") + ":" + ML + "/code");
    }
    environment.forEach(
        (key, value) -> {
          command.add("-e");
          command.add(key + "=" + value);
        });
    for (String name : inherited) {
      command.add("-e");
      command.add(name);
    }
    job.gpus().ifPresent(gpus -> command.addAll(gpuOptions(gpus)));
    command.add(job.image().orElseThrow());
    command.add("train");
    return List.copyOf(command);
  }

  /**
   * Returns the options that give a container GPUs: for podman the NVIDIA devices of the Container
   * Device Interface ({@code nvidia-ctk cdi generate} writes their spec), for Docker its {@code
   * --gpus}.
   *
   * @param gpus {@code all} or a count
   * @return e.g. {@code [--device, nvidia.com/gpu=all]} or {@code [--gpus, 2]}
   */
  List<String> gpuOptions(String gpus) {
    if (!name.equals("podman")) {
      return List.of("--gpus", gpus);
    }
    if (gpus.equals("all")) {
      return List.of("--device", "nvidia.com/gpu=all");
    }
    List<String> options = new ArrayList<>();
    for (int index = 0; index < Integer.parseInt(gpus); index++) {
      options.add("--device");
      options.add("nvidia.com/gpu=" + index);
    }
    return List.copyOf(options);
  }

  /**
   * Returns the command that pulls an image that is not in the engine's store yet.
   *
   * @param image the image
   * @return {@code [engine, pull, image]}
   */
  public List<String> pullCommand(String image) {
    return List.of(executable.toString(), "pull", image);
  }

  /**
   * Runs an engine command whose output people watch (a pull), passing each line of its merged
   * output on as it comes.
   *
   * @param command the command
   * @param environment the command's whole environment
   * @param lines receives each output line
   * @return the exit status
   * @throws IOException when it cannot be started
   * @throws InterruptedException when interrupted
   */
  static int stream(List<String> command, Map<String, String> environment, Consumer<String> lines)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().clear();
    builder.environment().putAll(environment);
    Process process = builder.start();
    try (java.io.Reader reader =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
      // Progress bars redraw a line after a carriage return: only the last drawing of each line is
      // passed on.
      StringBuilder line = new StringBuilder();
      boolean redraw = false;
      int c;
      while ((c = reader.read()) != -1) {
        if (c == '\n') {
          emit(line, lines);
          redraw = false;
        } else if (c == '\r') {
          redraw = true;
        } else {
          if (redraw) {
            line.setLength(0);
            redraw = false;
          }
          line.append((char) c);
        }
      }
      emit(line, lines);
    } finally {
      if (process.isAlive() && Thread.currentThread().isInterrupted()) {
        process.destroyForcibly();
      }
    }
    return process.waitFor();
  }

  private static void emit(StringBuilder line, Consumer<String> lines) {
    String shown = line.toString().strip();
    line.setLength(0);
    if (!shown.isEmpty()) {
      lines.accept(shown);
    }
  }

  /**
   * Returns the name of a host's container: the job name and the host, so parallel jobs never
   * clash.
   *
   * @param job the job
   * @param host the host
   * @return e.g. {@code smtk-local-2026-01-01-10-00-00-000-algo-1}
   */
  public static String containerName(LocalJob job, String host) {
    return job.jobName() + "-" + host;
  }

  /**
   * Returns the name of the job's network (only made for several hosts).
   *
   * @param job the job
   * @return e.g. {@code smtk-local-...-net}
   */
  public static String networkName(LocalJob job) {
    return job.jobName() + "-net";
  }

  /**
   * Returns the command that prints the job network's subnets (podman only: Docker's embedded DNS
   * resolves the aliases, and Docker allows {@code --ip} only on networks with a configured
   * subnet).
   *
   * @param network the network
   * @return the command, or empty for Docker
   */
  public List<String> subnetCommand(String network) {
    return name.equals("podman")
        ? List.of(
            executable.toString(),
            "network",
            "inspect",
            "--format",
            "{{range .Subnets}}{{.Subnet}} {{end}}",
            network)
        : List.of();
  }

  /**
   * Assigns the hosts addresses in an IPv4 subnet, from the 10th address on.
   *
   * @param subnets the engine's output, e.g. {@code 10.89.0.0/24}
   * @param hosts the hosts
   * @return host to address, or empty when no IPv4 subnet of at least /24 is listed
   */
  static Map<String, String> addresses(String subnets, List<String> hosts) {
    Map<String, String> addresses = new java.util.LinkedHashMap<>();
    for (String subnet : subnets.trim().split("\\s+", -1)) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)\\.(\\d+)/(\\d+)")
              .matcher(subnet);
      if (m.matches() && Integer.parseInt(m.group(5)) <= 24 && hosts.size() < 240) {
        for (int i = 0; i < hosts.size(); i++) {
          addresses.put(
              hosts.get(i), m.group(1) + "." + m.group(2) + "." + m.group(3) + "." + (10 + i));
        }
        return addresses;
      }
    }
    return addresses;
  }

  /**
   * Returns the command that stops a host's container as StopTrainingJob does: SIGTERM to its main
   * process, SIGKILL after {@code graceSeconds}.
   *
   * @param job the job
   * @param host the host
   * @param graceSeconds the grace period
   * @return the command
   */
  public List<String> stopCommand(LocalJob job, String host, long graceSeconds) {
    return List.of(
        executable.toString(), "stop", "-t", Long.toString(graceSeconds), containerName(job, host));
  }

  /**
   * Returns the command that removes a host's container if it is still there (its {@code run} was
   * killed).
   *
   * @param job the job
   * @param host the host
   * @return the command
   */
  public List<String> removeCommand(LocalJob job, String host) {
    return List.of(executable.toString(), "rm", "-f", containerName(job, host));
  }

  /**
   * Runs a short engine command and returns its standard output.
   *
   * @param command the command
   * @return the output, or empty when it failed
   * @throws IOException when it cannot be started
   * @throws InterruptedException when interrupted
   */
  static String output(List<String> command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    String text =
        new String(
            process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    return process.waitFor() == 0 ? text : "";
  }

  /**
   * Returns the command that tells whether an image exists locally.
   *
   * @param image the image
   * @return the command; exit 0 when it exists
   */
  public List<String> imageExistsCommand(String image) {
    return name.equals("podman")
        ? List.of(executable.toString(), "image", "exists", image)
        : List.of(executable.toString(), "image", "inspect", "--format", "{{.Id}}", image);
  }

  /**
   * Returns the commands that create and remove the job's network.
   *
   * @param network the network's name
   * @return the create command and the remove command
   */
  public List<List<String>> networkCommands(String network) {
    return List.of(
        List.of(executable.toString(), "network", "create", network),
        List.of(executable.toString(), "network", "rm", "-f", network));
  }

  /**
   * Returns the command that hands a host tree back to the invoking user after the container wrote
   * into it as its root (Docker, or rootful Podman run by a normal user through a socket).
   *
   * @param job the job
   * @param hostTree the host's tree
   * @param uid the user id
   * @param gid the group id
   * @return the command
   */
  public List<String> chownCommand(LocalJob job, Path hostTree, int uid, int gid) {
    return List.of(
        executable.toString(),
        "run",
        "--rm",
        "--entrypoint",
        "chown",
        "-v",
        hostTree + ":/smtk-tree",
        job.image().orElseThrow(),
        "-R",
        uid + ":" + gid,
        "/smtk-tree");
  }

  /**
   * Runs a short engine command and tells whether it succeeded.
   *
   * @param command the command
   * @return true for exit status 0
   * @throws IOException when it cannot be started
   * @throws InterruptedException when interrupted
   */
  static boolean succeeds(List<String> command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return false;
    }
    return process.exitValue() == 0;
  }
}
