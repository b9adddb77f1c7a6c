package io.smtk.images.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A training job's {@code /opt/ml} on the host, laid out as SageMaker lays it out for one host: the
 * three config files, data channels, and the user's code as a {@code sourcedir.tar.gz} in the
 * {@code code} channel named by {@code sagemaker_submit_directory}.
 */
public final class SageMakerJob {

  private final Path root;
  private final String currentHost;
  private final List<String> hosts;
  private final Map<String, String> hyperparameters = new LinkedHashMap<>();
  private final List<String> channels = new ArrayList<>();

  private SageMakerJob(Path root, String currentHost, List<String> hosts) {
    this.root = root;
    this.currentHost = currentHost;
    this.hosts = List.copyOf(hosts);
  }

  /**
   * Creates the job tree of a single-host job ({@code algo-1}).
   *
   * @param root the folder that plays {@code /opt/ml}
   * @return the job
   * @throws IOException when the tree cannot be created
   */
  public static SageMakerJob singleHost(Path root) throws IOException {
    return create(root, "algo-1", List.of("algo-1"));
  }

  /**
   * Creates the job tree of one host of a job.
   *
   * @param root the folder that plays {@code /opt/ml}
   * @param currentHost this host, e.g. {@code algo-2}
   * @param hosts every host of the job
   * @return the job
   * @throws IOException when the tree cannot be created
   */
  public static SageMakerJob create(Path root, String currentHost, List<String> hosts)
      throws IOException {
    SageMakerJob job = new SageMakerJob(root, currentHost, hosts);
    for (String dir : List.of("input/config", "input/data", "model", "output/data")) {
      Files.createDirectories(root.resolve(dir));
    }
    job.write();
    return job;
  }

  /**
   * Sets a hyperparameter; SageMaker's file holds strings, and the SDK JSON-encodes every value.
   *
   * @param name the name
   * @param jsonValue the JSON-encoded value, e.g. {@code "\"train.py\""} or {@code "3"}
   * @return this job
   * @throws IOException when the config cannot be written
   */
  public SageMakerJob hyperparameter(String name, String jsonValue) throws IOException {
    hyperparameters.put(name, jsonValue);
    write();
    return this;
  }

  /**
   * Adds a File-mode channel holding the given files.
   *
   * @param name the channel name
   * @param files file name (a relative path: {@code pkg/mod.py} makes {@code pkg}) to content
   * @return this job
   * @throws IOException when the channel cannot be written
   */
  public SageMakerJob channel(String name, Map<String, String> files) throws IOException {
    Path dir = root.resolve("input/data").resolve(name);
    Files.createDirectories(dir);
    for (Map.Entry<String, String> file : files.entrySet()) {
      Files.createDirectories(dir.resolve(file.getKey()).getParent());
      Files.writeString(dir.resolve(file.getKey()), file.getValue());
    }
    channels.add(name);
    write();
    return this;
  }

  /**
   * Packs a source folder into {@code sourcedir.tar.gz} in the {@code code} channel and points
   * {@code sagemaker_submit_directory} and {@code sagemaker_program} at it, as the SageMaker Python
   * SDK does (with an {@code s3://} URI there).
   *
   * @param sourceDir the user's code
   * @param program the entry point inside it
   * @return this job
   * @throws IOException when packing fails
   * @throws InterruptedException when interrupted while packing
   */
  public SageMakerJob submitDirectory(Path sourceDir, String program)
      throws IOException, InterruptedException {
    Path channel = root.resolve("input/data/code");
    Files.createDirectories(channel);
    Process tar =
        new ProcessBuilder(
                "tar",
                "-czf",
                channel.resolve("sourcedir.tar.gz").toString(),
                "-C",
                sourceDir.toString(),
                ".")
            .inheritIO()
            .start();
    if (!tar.waitFor(60, TimeUnit.SECONDS) || tar.exitValue() != 0) {
      throw new IOException("tar failed for " + sourceDir);
    }
    return submitted("/opt/ml/input/data/code/sourcedir.tar.gz", program);
  }

  /**
   * Copies a source folder, unpacked, into the {@code code} channel and points {@code
   * sagemaker_submit_directory} at that folder (the toolkit accepts a local folder too).
   *
   * @param sourceDir the user's code
   * @param program the entry point inside it
   * @return this job
   * @throws IOException when copying fails
   */
  public SageMakerJob submitFolder(Path sourceDir, String program) throws IOException {
    Path channel = Files.createDirectories(root.resolve("input/data/code"));
    try (var files = Files.walk(sourceDir)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = channel.resolve(sourceDir.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
    return submitted("/opt/ml/input/data/code", program);
  }

  /**
   * Writes a file into the mounted part of the job tree (outside the config files), e.g. a Python
   * package under {@code input/} that the container's {@code PYTHONPATH} names.
   *
   * @param path the path relative to {@code /opt/ml}, e.g. {@code input/python/pkg/__init__.py}
   * @param content the text
   * @return the container's path of the file, e.g. {@code /opt/ml/input/python/pkg/__init__.py}
   * @throws IOException when the file cannot be written
   */
  public String file(String path, String content) throws IOException {
    Path target = root.resolve(path).normalize();
    // Only input, model and output are mounted into the container; the config files are written by
    // write().
    boolean mounted =
        target.startsWith(root.resolve("input"))
            || target.startsWith(model())
            || target.startsWith(output());
    if (!mounted || target.startsWith(root.resolve("input/config"))) {
      throw new IllegalArgumentException(
          path + " is not a place in input/, model/ or output/ outside input/config");
    }
    Files.createDirectories(target.getParent());
    Files.writeString(target, content, StandardCharsets.UTF_8);
    return "/opt/ml/" + root.relativize(target);
  }

  private SageMakerJob submitted(String submitDirectory, String program) throws IOException {
    if (!channels.contains("code")) {
      channels.add("code");
    }
    hyperparameters.put("sagemaker_submit_directory", quote(submitDirectory));
    hyperparameters.put("sagemaker_program", quote(program));
    write();
    return this;
  }

  /**
   * Returns the folder that plays {@code /opt/ml}.
   *
   * @return the root
   */
  public Path root() {
    return root;
  }

  /**
   * Returns {@code /opt/ml/model} on the host.
   *
   * @return the model folder
   */
  public Path model() {
    return root.resolve("model");
  }

  /**
   * Returns {@code /opt/ml/output} on the host.
   *
   * @return the output folder
   */
  public Path output() {
    return root.resolve("output");
  }

  /**
   * Returns this host's name.
   *
   * @return e.g. {@code algo-1}
   */
  public String currentHost() {
    return currentHost;
  }

  /**
   * JSON-encodes a string.
   *
   * @param value the string
   * @return the JSON string literal
   */
  public static String quote(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private void write() throws IOException {
    Path config = root.resolve("input/config");
    StringBuilder hps = new StringBuilder("{");
    hyperparameters.forEach(
        (k, v) ->
            hps.append(hps.length() > 1 ? ", " : "")
                .append(quote(k))
                .append(": ")
                .append(quote(v)));
    Files.writeString(
        config.resolve("hyperparameters.json"), hps.append('}'), StandardCharsets.UTF_8);

    StringBuilder data = new StringBuilder("{");
    for (String channel : channels) {
      data.append(data.length() > 1 ? ", " : "")
          .append(quote(channel))
          .append(
              ": {\"TrainingInputMode\": \"File\", \"S3DistributionType\": \"FullyReplicated\", "
                  + "\"RecordWrapperType\": \"None\"}");
    }
    Files.writeString(
        config.resolve("inputdataconfig.json"), data.append('}'), StandardCharsets.UTF_8);

    String hostList = String.join(", ", hosts.stream().map(SageMakerJob::quote).toList());
    Files.writeString(
        config.resolve("resourceconfig.json"),
        "{\"current_host\": "
            + quote(currentHost)
            + ", \"current_instance_type\": \"ml.m5.xlarge\", "
            + "\"current_group_name\": \"homogeneousCluster\", \"hosts\": ["
            + hostList
            + "], "
            + "\"instance_groups\": [{\"instance_group_name\": \"homogeneousCluster\", "
            + "\"instance_type\": \"ml.m5.xlarge\", \"hosts\": ["
            + hostList
            + "]}], "
            + "\"network_interface_name\": \"eth0\"}",
        StandardCharsets.UTF_8);
  }
}
