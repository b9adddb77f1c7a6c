package io.smtk.environment;

import com.fasterxml.jackson.databind.JsonNode;
import io.smtk.python.PythonJson;
import io.smtk.python.PythonJsonException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The accelerators and CPUs of this host, detected the way the Python toolkit does.
 *
 * @param cpus online CPUs of the host (not a cgroup quota), as Python's {@code os.cpu_count()}
 * @param gpus NVIDIA GPUs listed by {@code nvidia-smi --list-gpus}, 0 without it
 * @param neurons Neuron cores reported by {@code neuron-ls -j}, 0 without it
 */
public record Hardware(int cpus, int gpus, int neurons) {

  private static final long TOOL_TIMEOUT_SECONDS = 60;

  /**
   * Detects this host's hardware; tools that are not on {@code PATH} are not started at all.
   *
   * @param settings where to find {@code nvidia-smi} and {@code neuron-ls}
   * @param instanceType the instance type, for the instance types whose core count is fixed
   * @return the hardware
   */
  public static Hardware detect(ToolkitSettings settings, String instanceType) {
    return new Hardware(
        onlineCpus(Path.of("/sys/devices/system/cpu/online")),
        gpus(settings),
        neurons(settings, instanceType));
  }

  /**
   * Counts the CPUs in a kernel CPU list such as {@code 0-3,6,8-9}.
   *
   * @param online the file holding the list
   * @return the count; the JVM's count when the file cannot be read
   */
  static int onlineCpus(Path online) {
    try {
      String text = Files.readString(online, StandardCharsets.US_ASCII).trim();
      int count = 0;
      for (String range : text.split(",", -1)) {
        if (range.isEmpty()) {
          continue;
        }
        int dash = range.indexOf('-');
        count +=
            dash < 0
                ? 1
                : Integer.parseInt(range.substring(dash + 1))
                    - Integer.parseInt(range.substring(0, dash))
                    + 1;
      }
      if (count > 0) {
        return count;
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or an unexpected format: the JVM's count is the best we have.
    }
    return Runtime.getRuntime().availableProcessors();
  }

  private static int gpus(ToolkitSettings settings) {
    Optional<Path> nvidiaSmi = settings.which("nvidia-smi");
    if (nvidiaSmi.isEmpty()) {
      return 0;
    }
    return run(List.of(nvidiaSmi.get().toString(), "--list-gpus"))
        .map(Hardware::countGpuLines)
        .orElse(0);
  }

  /**
   * Counts the lines of {@code nvidia-smi --list-gpus} output that start with {@code GPU }.
   *
   * @param output the tool's output
   * @return the GPU count
   */
  static int countGpuLines(String output) {
    return (int) output.lines().filter(line -> line.startsWith("GPU ")).count();
  }

  private static int neurons(ToolkitSettings settings, String instanceType) {
    // neuron-ls under-reports trn2.48xlarge; the Python toolkit hard-codes its 64 cores.
    if (instanceType.contains("trn2.48xlarge")) {
      return 64;
    }
    Optional<Path> neuronLs = settings.which("neuron-ls");
    if (neuronLs.isEmpty()) {
      return 0;
    }
    return run(List.of(neuronLs.get().toString(), "-j")).map(Hardware::sumNeuronCores).orElse(0);
  }

  /**
   * Sums {@code nc_count} over the devices of {@code neuron-ls -j}.
   *
   * @param json the tool's output
   * @return the core count, 0 when the output is not the expected JSON
   */
  static int sumNeuronCores(String json) {
    try {
      JsonNode devices = PythonJson.loads(json.strip());
      int cores = 0;
      if (devices != null && devices.isArray()) {
        for (JsonNode device : devices) {
          cores += device.path("nc_count").asInt(0);
        }
      }
      return cores;
    } catch (PythonJsonException e) {
      return 0;
    }
  }

  private static Optional<String> run(List<String> command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      process.getOutputStream().close();
      String output;
      try (InputStream in = process.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!process.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return Optional.empty();
      }
      return process.exitValue() == 0 ? Optional.of(output) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
