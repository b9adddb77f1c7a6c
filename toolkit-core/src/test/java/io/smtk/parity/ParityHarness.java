package io.smtk.parity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.smtk.archive.FileTrees;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs parity cases against a {@code train} command as a separate process and compares what the
 * probe saw with {@code expected.json}, following {@code parity/README.md} (test resources)
 * sections 3 to 7.
 *
 * <p>Works for any case folder in that format. A case our project decided to fix (tagged {@code
 * quirk}) is compared against a {@link Waiver}'s corrected expectation, never skipped.
 */
final class ParityHarness {

  private static final Set<String> INFORMATIONAL =
      Set.of("PYTHONPATH", "PWD", "OLDPWD", "SHLVL", "_");
  private static final Pattern NUM_CPUS_MEMBER =
      Pattern.compile("\"num_cpus\"\\s*:\\s*(-?\\d+)(?=\\s*[,}])");
  private static final Duration CASE_TIMEOUT = Duration.ofMinutes(3);

  private final List<String> trainCommand;
  private final String python;
  private final Map<String, String> toolkitEnv;
  private final Map<String, Waiver> waivers;
  private final int numCpus;

  ParityHarness(
      List<String> trainCommand,
      String python,
      Map<String, String> toolkitEnv,
      Map<String, Waiver> waivers) {
    this.trainCommand = List.copyOf(trainCommand);
    this.python = python;
    this.toolkitEnv = Map.copyOf(toolkitEnv);
    this.waivers = Map.copyOf(waivers);
    this.numCpus = onlineCpus();
  }

  /** The result of one case: the differences found (none means it passed) and the run's output. */
  record Result(String caseName, List<String> differences, String output) {
    boolean passed() {
      return differences.isEmpty();
    }
  }

  Result run(ParityCase parityCase) throws IOException, InterruptedException {
    Path root = Files.createTempDirectory("smtk-parity-").toRealPath();
    try {
      Path base = root.resolve("opt/ml");
      for (String dir : List.of("input/config", "input/data", "model", "output/data", "code")) {
        Files.createDirectories(base.resolve(dir));
      }
      for (String dir : List.of("home", "tmp", "pip-target")) {
        Files.createDirectories(root.resolve(dir));
      }
      Path config = parityCase.folder().resolve("config");
      if (Files.isDirectory(config)) {
        try (Stream<Path> files = Files.list(config)) {
          for (Path file : files.toList()) {
            String text =
                Files.readString(file, StandardCharsets.UTF_8)
                    .replace("${SAGEMAKER_BASE_DIR}", base.toString());
            Files.writeString(
                base.resolve("input/config").resolve(file.getFileName().toString()),
                text,
                StandardCharsets.UTF_8);
          }
        }
      }
      try {
        JsonNode channels =
            ParityCase.MAPPER.readTree(base.resolve("input/config/inputdataconfig.json").toFile());
        if (channels != null && channels.isObject()) {
          for (Iterator<String> it = channels.fieldNames(); it.hasNext(); ) {
            Files.createDirectories(base.resolve("input/data").resolve(it.next()));
          }
        }
      } catch (IOException e) {
        // Missing or invalid on purpose: no channel folders (README 3.1, step 4).
      }
      copyTree(parityCase.folder().resolve("code"), base.resolve("code"));
      Path data = parityCase.folder().resolve("data");
      if (Files.isDirectory(data)) {
        try (Stream<Path> channels = Files.list(data)) {
          for (Path channel : channels.toList()) {
            Path target = base.resolve("input/data").resolve(channel.getFileName().toString());
            Files.createDirectories(target);
            copyTree(channel, target);
          }
        }
      }

      Map<String, String> start = new LinkedHashMap<>();
      start.put("PATH", "/usr/bin:/bin");
      start.put("HOME", root.resolve("home").toString());
      start.put("LANG", "C.UTF-8");
      start.put("TMPDIR", root.resolve("tmp").toString());
      start.put("SAGEMAKER_BASE_DIR", base.toString());
      start.put("SM_STUDIO_LOCAL_MODE", "true");
      start.put("AWS_EC2_METADATA_DISABLED", "true");
      start.put("PIP_TARGET", root.resolve("pip-target").toString());
      start.put("PIP_NO_INDEX", "1");
      start.put("PIP_DISABLE_PIP_VERSION_CHECK", "1");
      start.put("PIP_ROOT_USER_ACTION", "ignore");
      start.put("PYTHONDONTWRITEBYTECODE", "1");
      start.put("PYTHONUNBUFFERED", "1");
      start.put("PROBE_OUT", root.resolve("probe.json").toString());
      start.put("PROBE_PYTHON", python);
      start.putAll(toolkitEnv);
      start.putAll(parityCase.env());

      ProcessBuilder builder =
          new ProcessBuilder(trainCommand)
              .directory(root.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectErrorStream(true)
              .redirectOutput(root.resolve("train.log").toFile());
      builder.environment().clear();
      builder.environment().putAll(start);
      Process process = builder.start();
      if (!process.waitFor(CASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
        return new Result(parityCase.name(), List.of("timed out after " + CASE_TIMEOUT), log(root));
      }
      int exitCode = process.exitValue();
      ObjectNode expected = parityCase.expected().deepCopy();
      Waiver waiver = waivers.get(parityCase.name());
      if (waiver != null) {
        waiver.correct(expected);
      }
      List<String> differences = compare(expected, exitCode, root, base, start);
      return new Result(parityCase.name(), differences, log(root));
    } finally {
      deleteTree(root);
    }
  }

  private List<String> compare(
      ObjectNode expected, int exitCode, Path root, Path base, Map<String, String> start)
      throws IOException {
    List<String> differences = new ArrayList<>();
    String category = exitCode == 0 ? "zero" : "nonzero";
    if (!expected.path("exit_category").asText().equals(category)) {
      differences.add(
          "exit_category: expected "
              + expected.path("exit_category").asText()
              + ", got "
              + category
              + " (exit code "
              + exitCode
              + ")");
    }
    boolean success = Files.exists(base.resolve("output/success"));
    boolean failure = Files.exists(base.resolve("output/failure"));
    if (expected.path("success_file_exists").asBoolean() != success) {
      differences.add("success_file_exists: expected " + !success + ", got " + success);
    }
    if (expected.path("failure_file_exists").asBoolean() != failure) {
      differences.add(
          "failure_file_exists: expected "
              + !failure
              + ", got "
              + failure
              + (failure ? " (" + Files.readString(base.resolve("output/failure")) + ")" : ""));
    }
    Path probeFile = root.resolve("probe.json");
    boolean probeRan = Files.exists(probeFile);
    if (expected.path("probe_ran").asBoolean() != probeRan) {
      differences.add("probe_ran: expected " + !probeRan + ", got " + probeRan);
      return differences;
    }
    if (!probeRan) {
      return differences;
    }
    JsonNode probe = ParityCase.MAPPER.readTree(probeFile.toFile());
    List<String> argv = new ArrayList<>();
    probe.path("argv").forEach(item -> argv.add(normalise(item.asText(), base)));
    List<String> expectedArgv = new ArrayList<>();
    expected.path("argv").forEach(item -> expectedArgv.add(item.asText()));
    if (!argv.equals(expectedArgv)) {
      differences.add("argv: expected " + expectedArgv + ", got " + argv);
    }
    String cwd = normalise(probe.path("cwd").asText(), base);
    if (!cwd.equals(expected.path("cwd").asText())) {
      differences.add("cwd: expected " + expected.path("cwd").asText() + ", got " + cwd);
    }

    Map<String, String> seen = new LinkedHashMap<>();
    probe
        .path("env")
        .fields()
        .forEachRemaining(entry -> seen.put(entry.getKey(), entry.getValue().asText()));
    Map<String, String> diff = new LinkedHashMap<>();
    seen.forEach(
        (name, value) -> {
          if (!INFORMATIONAL.contains(name) && !value.equals(start.get(name))) {
            diff.put(name, normaliseVariable(name, normalise(value, base)));
          }
        });
    JsonNode expectedEnv = expected.path("env");
    Set<String> expectedNames = new TreeSet<>();
    expectedEnv.fieldNames().forEachRemaining(expectedNames::add);
    Set<String> missing = new TreeSet<>(expectedNames);
    missing.removeAll(diff.keySet());
    Set<String> extra = new TreeSet<>(diff.keySet());
    extra.removeAll(expectedNames);
    if (!missing.isEmpty()) {
      differences.add("env: missing " + missing);
    }
    if (!extra.isEmpty()) {
      differences.add("env: unexpected " + extra);
    }
    for (String name : expectedNames) {
      if (!diff.containsKey(name)) {
        continue;
      }
      JsonNode want = expectedEnv.get(name);
      String actual = diff.get(name);
      if (want.has("json")) {
        JsonNode parsed;
        try {
          parsed = ParityCase.MAPPER.readTree(actual);
        } catch (IOException e) {
          differences.add("env " + name + ": not JSON: " + actual);
          continue;
        }
        List<String> paths = new ArrayList<>();
        JsonEquality.diff("$", want.get("json"), parsed, paths);
        if (!paths.isEmpty()) {
          differences.add(
              "env "
                  + name
                  + ": differs at "
                  + paths
                  + "\n    expected "
                  + want.get("json")
                  + "\n    got      "
                  + parsed);
        }
      } else if (!want.path("raw").asText().equals(actual)) {
        differences.add(
            "env " + name + ": expected '" + want.path("raw").asText() + "', got '" + actual + "'");
      }
    }
    Set<String> removed = new TreeSet<>(start.keySet());
    removed.removeAll(seen.keySet());
    Set<String> expectedRemoved = new TreeSet<>();
    expected.path("env_removed").forEach(item -> expectedRemoved.add(item.asText()));
    if (!removed.equals(expectedRemoved)) {
      differences.add("env_removed: expected " + expectedRemoved + ", got " + removed);
    }
    return differences;
  }

  private String normalise(String text, Path base) {
    return text.replace(base.toString(), "${SAGEMAKER_BASE_DIR}").replace(python, "${PYTHON}");
  }

  private String normaliseVariable(String name, String value) {
    String cpus = Integer.toString(numCpus);
    if (name.equals("SM_NUM_CPUS") && value.equals(cpus)) {
      return "${NUM_CPUS}";
    }
    if (name.equals("SM_TRAINING_ENV")) {
      Matcher matcher = NUM_CPUS_MEMBER.matcher(value);
      StringBuilder out = new StringBuilder();
      while (matcher.find()) {
        matcher.appendReplacement(
            out,
            matcher.group(1).equals(cpus)
                ? Matcher.quoteReplacement("\"num_cpus\":\"${NUM_CPUS}\"")
                : Matcher.quoteReplacement(matcher.group()));
      }
      matcher.appendTail(out);
      return out.toString();
    }
    return value;
  }

  private static String log(Path root) {
    try {
      return Files.readString(root.resolve("train.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /**
   * Online CPUs as sysconf(_SC_NPROCESSORS_ONLN) counts them (README 5.2), not the JVM's
   * quota-aware count.
   */
  private static int onlineCpus() {
    try {
      String text = Files.readString(Path.of("/sys/devices/system/cpu/online")).trim();
      int count = 0;
      for (String range : text.split(",")) {
        int dash = range.indexOf('-');
        count +=
            dash < 0
                ? 1
                : Integer.parseInt(range.substring(dash + 1))
                    - Integer.parseInt(range.substring(0, dash))
                    + 1;
      }
      return count;
    } catch (IOException | RuntimeException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  private static void copyTree(Path source, Path target) throws IOException {
    if (!Files.isDirectory(source)) {
      return;
    }
    Files.createDirectories(target);
    FileTrees.copy(
        source,
        target,
        (file, to) ->
            Files.copy(
                file, to, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING));
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        path.toFile().setWritable(true);
        Files.deleteIfExists(path);
      }
    }
  }

  /** Prints one line per case and the closing count; returns the number of failed cases. */
  int report(List<ParityCase> cases, PrintStream out) throws IOException, InterruptedException {
    int failed = 0;
    for (ParityCase parityCase : cases) {
      Result result = run(parityCase);
      if (result.passed()) {
        out.println("PASS " + result.caseName());
      } else {
        failed++;
        out.println("FAIL " + result.caseName());
        result.differences().forEach(line -> out.println("  " + line));
      }
    }
    out.println("parity: " + (cases.size() - failed) + " passed, " + failed + " failed");
    return failed;
  }

  /** Helper for waivers: sets a raw (non-JSON) expected variable. */
  static void expectRaw(ObjectNode expected, String name, String raw) {
    ((ObjectNode) expected.path("env")).putObject(name).set("raw", TextNode.valueOf(raw));
  }
}
