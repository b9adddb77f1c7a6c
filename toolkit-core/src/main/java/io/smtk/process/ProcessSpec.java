package io.smtk.process;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to run as the user's process: the command, its complete environment, where it runs and where
 * its output goes.
 *
 * <p>The command is executed directly, never through a shell, so every element reaches the child as
 * one argument exactly as given. The environment is the child's <em>complete</em> environment:
 * nothing of the toolkit's own environment is added.
 *
 * @param command the program and its arguments; not empty
 * @param environment every variable the child sees, in iteration order
 * @param workingDirectory the child's working directory
 * @param stdout receives the child's standard output, in whole lines
 * @param stderr receives the child's standard error, in whole lines
 * @param lineTransformer rewrites each output line before it is written
 * @param inheritStdin whether the child reads the toolkit's standard input instead of {@code
 *     /dev/null}
 * @param stopGrace how long a stopped process may take to exit after SIGTERM before SIGKILL
 * @param leftoverGrace how long processes left in the group after the main process exited may take
 *     to exit after SIGTERM before SIGKILL
 */
public record ProcessSpec(
    List<String> command,
    Map<String, String> environment,
    Path workingDirectory,
    OutputStream stdout,
    OutputStream stderr,
    LineTransformer lineTransformer,
    boolean inheritStdin,
    Duration stopGrace,
    Duration leftoverGrace) {

  /** Default time a stopped process gets between SIGTERM and SIGKILL. */
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(30);

  /** Default time leftover processes get between SIGTERM and SIGKILL. */
  public static final Duration DEFAULT_LEFTOVER_GRACE = Duration.ofSeconds(2);

  // Unbuffered streams on the toolkit's own file descriptors 1 and 2; shared by every spec so that
  // all runs lock the same object (see ProcessRunner) when no other streams are given.
  private static final OutputStream TOOLKIT_STDOUT = new FileOutputStream(FileDescriptor.out);
  private static final OutputStream TOOLKIT_STDERR = new FileOutputStream(FileDescriptor.err);

  /** Validates and copies the parts; see {@link Builder} for the defaults. */
  public ProcessSpec {
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command is empty");
    }
    if (command.get(0).isEmpty()) {
      throw new IllegalArgumentException("command starts with an empty program name");
    }
    for (String argument : command) {
      if (argument.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("argument contains a NUL character: " + argument);
      }
    }
    // LinkedHashMap, not Map.copyOf: keep the caller's order so logs list variables predictably.
    Map<String, String> copy = new LinkedHashMap<>();
    for (Map.Entry<String, String> variable : environment.entrySet()) {
      String name = Objects.requireNonNull(variable.getKey(), "environment variable name");
      String value = variable.getValue();
      if (value == null) {
        throw new NullPointerException("value of environment variable " + name);
      }
      if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("invalid environment variable name: '" + name + "'");
      }
      if (value.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "value of environment variable " + name + " contains a NUL character");
      }
      copy.put(name, value);
    }
    environment = Collections.unmodifiableMap(copy);
    Objects.requireNonNull(workingDirectory, "workingDirectory");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    Objects.requireNonNull(lineTransformer, "lineTransformer");
    requireNotNegative(stopGrace, "stopGrace");
    requireNotNegative(leftoverGrace, "leftoverGrace");
  }

  /**
   * Starts a spec for {@code command} running with exactly {@code environment}.
   *
   * @param command the program and its arguments
   * @param environment the child's complete environment
   * @return a builder with the defaults described on its setters
   */
  public static Builder builder(List<String> command, Map<String, String> environment) {
    return new Builder(command, environment);
  }

  /**
   * Returns a builder holding the values of this spec.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(command, environment)
        .workingDirectory(workingDirectory)
        .stdout(stdout)
        .stderr(stderr)
        .lineTransformer(lineTransformer)
        .inheritStdin(inheritStdin)
        .stopGrace(stopGrace)
        .leftoverGrace(leftoverGrace);
  }

  private static void requireNotNegative(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative()) {
      throw new IllegalArgumentException(name + " is negative: " + duration);
    }
  }

  /** Builds a {@link ProcessSpec}. */
  public static final class Builder {
    private final List<String> command;
    private final Map<String, String> environment;
    private Path workingDirectory = Path.of("").toAbsolutePath();
    private OutputStream stdout = TOOLKIT_STDOUT;
    private OutputStream stderr = TOOLKIT_STDERR;
    private LineTransformer lineTransformer = LineTransformer.identity();
    private boolean inheritStdin;
    private Duration stopGrace = DEFAULT_STOP_GRACE;
    private Duration leftoverGrace = DEFAULT_LEFTOVER_GRACE;

    private Builder(List<String> command, Map<String, String> environment) {
      this.command = Objects.requireNonNull(command, "command");
      this.environment = Objects.requireNonNull(environment, "environment");
    }

    /**
     * Sets the child's working directory; the default is the toolkit's current directory.
     *
     * @param workingDirectory the directory
     * @return this
     */
    public Builder workingDirectory(Path workingDirectory) {
      this.workingDirectory = Objects.requireNonNull(workingDirectory, "workingDirectory");
      return this;
    }

    /**
     * Sets where the child's standard output goes; the default is the toolkit's file descriptor 1.
     *
     * @param stdout the stream; the runner writes whole lines to it and flushes, never closes it
     * @return this
     */
    public Builder stdout(OutputStream stdout) {
      this.stdout = Objects.requireNonNull(stdout, "stdout");
      return this;
    }

    /**
     * Sets where the child's standard error goes; the default is the toolkit's file descriptor 2.
     *
     * @param stderr the stream; the runner writes whole lines to it and flushes, never closes it
     * @return this
     */
    public Builder stderr(OutputStream stderr) {
      this.stderr = Objects.requireNonNull(stderr, "stderr");
      return this;
    }

    /**
     * Sets the rewriting applied to every output line; the default leaves lines unchanged.
     *
     * @param lineTransformer the transformer, for example a {@link MpiRankTagRewriter}
     * @return this
     */
    public Builder lineTransformer(LineTransformer lineTransformer) {
      this.lineTransformer = Objects.requireNonNull(lineTransformer, "lineTransformer");
      return this;
    }

    /**
     * Sets whether the child reads the toolkit's standard input; the default is false, and the
     * child reads {@code /dev/null}, so a script that prompts fails instead of hanging.
     *
     * @param inheritStdin true to share the toolkit's standard input
     * @return this
     */
    public Builder inheritStdin(boolean inheritStdin) {
      this.inheritStdin = inheritStdin;
      return this;
    }

    /**
     * Sets how long a process stopped by a signal may take to exit after SIGTERM before its group
     * gets SIGKILL; the default is {@link #DEFAULT_STOP_GRACE} (30 seconds).
     *
     * @param stopGrace the grace period, zero or more
     * @return this
     */
    public Builder stopGrace(Duration stopGrace) {
      this.stopGrace = Objects.requireNonNull(stopGrace, "stopGrace");
      return this;
    }

    /**
     * Sets how long processes still in the group after the main process exited may take to exit
     * after SIGTERM before they get SIGKILL; the default is {@link #DEFAULT_LEFTOVER_GRACE} (2
     * seconds).
     *
     * @param leftoverGrace the grace period, zero or more
     * @return this
     */
    public Builder leftoverGrace(Duration leftoverGrace) {
      this.leftoverGrace = Objects.requireNonNull(leftoverGrace, "leftoverGrace");
      return this;
    }

    /**
     * Builds the spec.
     *
     * @return the validated spec
     * @throws IllegalArgumentException if the command is empty or a name or value is invalid
     */
    public ProcessSpec build() {
      return new ProcessSpec(
          command,
          environment,
          workingDirectory,
          stdout,
          stderr,
          lineTransformer,
          inheritStdin,
          stopGrace,
          leftoverGrace);
    }
  }
}
