package io.smtk.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A SageMaker job tree ({@code <base>/input/config}, channels, code) in a test folder, and a way to
 * run {@code bin/smtk train} on it as SageMaker would: a separate process, PATH {@code
 * /usr/bin:/bin}, the user code run by {@code /usr/bin/python3}.
 */
public final class JobTree {

  private final Path base;

  private JobTree(Path base) {
    this.base = base;
  }

  /** The outcome of one {@code smtk train} run. */
  public record Result(int exitCode, String output) {}

  /**
   * Lays out an empty single-host job with one channel, {@code train}.
   *
   * @param base the folder that plays {@code /opt/ml}
   * @return the job tree
   * @throws IOException when it cannot be written
   */
  public static JobTree create(Path base) throws IOException {
    for (String dir :
        new String[] {"input/config", "input/data/train", "code", "model", "output/data"}) {
      Files.createDirectories(base.resolve(dir));
    }
    JobTree tree = new JobTree(base);
    tree.config("hyperparameters.json", "{}");
    tree.config("inputdataconfig.json", "{\"train\": {\"TrainingInputMode\": \"File\"}}");
    tree.config("resourceconfig.json", "{\"current_host\": \"algo-1\", \"hosts\": [\"algo-1\"]}");
    return tree;
  }

  public Path base() {
    return base;
  }

  public JobTree config(String name, String json) throws IOException {
    Files.writeString(base.resolve("input/config").resolve(name), json, StandardCharsets.UTF_8);
    return this;
  }

  public JobTree code(String name, String text) throws IOException {
    Path file = base.resolve("code").resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return this;
  }

  public JobTree executable(String name, String text) throws IOException {
    code(name, text);
    Files.setPosixFilePermissions(
        base.resolve("code").resolve(name), PosixFilePermissions.fromString("rwxr-xr-x"));
    return this;
  }

  public JobTree channelFile(String channel, String name, String text) throws IOException {
    Path file = base.resolve("input/data").resolve(channel).resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return this;
  }

  public Path success() {
    return base.resolve("output/success");
  }

  public Path failure() {
    return base.resolve("output/failure");
  }

  public Path model(String name) {
    return base.resolve("model").resolve(name);
  }

  /**
   * Returns the environment SageMaker would give the toolkit for this job, plus the test
   * interpreter.
   *
   * @return a new mutable map
   */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/bin:/bin");
    env.put("LANG", "C.UTF-8");
    env.put("HOME", base.getParent().toString());
    env.put("SAGEMAKER_BASE_DIR", base.toString());
    env.put("SM_STUDIO_LOCAL_MODE", "true");
    env.put("SMTK_PYTHON", "/usr/bin/python3");
    env.put("PYTHONDONTWRITEBYTECODE", "1");
    env.put("PYTHONUNBUFFERED", "1");
    return env;
  }

  /**
   * Runs {@code bin/smtk train} on the job, with {@link #environment()} plus the given variables.
   *
   * @param extra variables to add or override
   * @param timeout how long it may run
   * @return its exit code and output (stdout and stderr together)
   * @throws IOException when it cannot be started
   * @throws InterruptedException when interrupted
   */
  public Result train(Map<String, String> extra, Duration timeout)
      throws IOException, InterruptedException {
    Map<String, String> env = environment();
    env.putAll(extra);
    Path log = Files.createTempFile(base.getParent(), "train", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(smtk().toString(), "train")
            .directory(base.getParent().toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor();
      throw new AssertionError(
          "smtk train did not end within " + timeout + "; output:\n" + Files.readString(log));
    }
    return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  /**
   * Returns the checkout's {@code bin/smtk}: {@code -Dsmtk.project.root}, else found above the
   * working directory.
   *
   * @return its absolute path
   */
  public static Path smtk() {
    return projectRoot().resolve("bin/smtk");
  }

  /**
   * Returns the checkout's root folder.
   *
   * @return its absolute path
   */
  public static Path projectRoot() {
    String configured = System.getProperty("smtk.project.root");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isExecutable(dir.resolve("bin/smtk"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("bin/smtk not found above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }
}
