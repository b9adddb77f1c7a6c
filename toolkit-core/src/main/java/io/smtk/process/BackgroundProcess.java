package io.smtk.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A helper process that runs beside the job (an SSH daemon) until the toolkit closes it; its output
 * goes to a log file, which explains a failed start.
 */
public final class BackgroundProcess implements AutoCloseable {

  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final int LOG_TAIL_CHARS = 4000;

  private final List<String> command;
  private final Process process;
  private final Path log;

  private BackgroundProcess(List<String> command, Process process, Path log) {
    this.command = List.copyOf(command);
    this.process = process;
    this.log = log;
  }

  /**
   * Starts a command without a shell, stdin from {@code /dev/null}, stdout and stderr to a file.
   *
   * @param command the command
   * @param environment its complete environment
   * @param log the file its output goes to (created or truncated)
   * @return the running process
   * @throws IOException if it cannot be started
   */
  public static BackgroundProcess start(
      List<String> command, Map<String, String> environment, Path log) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(log.toFile())
            .redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(environment);
    try {
      return new BackgroundProcess(command, builder.start(), log);
    } catch (IOException e) {
      throw new IOException("could not start " + command.get(0) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Returns the process id.
   *
   * @return the pid
   */
  public long pid() {
    return process.pid();
  }

  /**
   * Tells whether the process still runs.
   *
   * @return true while it runs
   */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Returns the exit status of an ended process.
   *
   * @return the status
   * @throws IllegalThreadStateException if it still runs
   */
  public int exitValue() {
    return process.exitValue();
  }

  /**
   * Returns the end of what the process wrote, for error messages.
   *
   * @return the last few thousand characters of its log, or a note that it could not be read
   */
  public String logTail() {
    try {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      return text.length() <= LOG_TAIL_CHARS
          ? text
          : "…" + text.substring(text.length() - LOG_TAIL_CHARS);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /**
   * Returns the command, for messages.
   *
   * @return the command
   */
  public List<String> command() {
    return command;
  }

  /**
   * Stops the process and what it started: SIGTERM, then SIGKILL after a few seconds. Idempotent.
   */
  @Override
  public void close() {
    // Descendants first: once the parent is gone they are re-parented and out of reach (an sshd's
    // per-connection children, for example).
    List<ProcessHandle> handles = new ArrayList<>();
    process.descendants().forEach(handles::add);
    handles.add(process.toHandle());
    handles.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (ProcessHandle handle : handles) {
      try {
        handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        handle.destroyForcibly();
      } catch (InterruptedException e) {
        handle.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
