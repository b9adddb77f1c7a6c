package io.smtk.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process that runs beside the user's for the length of the job (a TensorFlow parameter server,
 * an MXNet scheduler) and is stopped, with its whole process group, when the job ends; the Python
 * toolkits leave such processes running.
 *
 * <p>Its output goes straight to the toolkit's own stdout and stderr.
 */
public final class ServiceProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final boolean ownGroup;
  private final ProcessGroupSignaller signaller = ProcessGroupSignaller.create();
  private SignalForwarder.Registration registration = () -> {};

  private ServiceProcess(String name, Process process, boolean ownGroup) {
    this.name = name;
    this.process = process;
    this.ownGroup = ownGroup;
  }

  /**
   * Starts a service process in its own process group, known to the signal forwarder: a stop signal
   * the toolkit receives reaches the service's group too (SIGTERM, then SIGKILL on a second
   * signal).
   *
   * @param name what it is, for messages ("parameter server")
   * @param command the command, without a shell
   * @param environment its complete environment
   * @param workingDirectory its working directory
   * @param signals the job's signal forwarder
   * @return the running service
   * @throws IOException when it cannot be started
   */
  public static ServiceProcess start(
      String name,
      List<String> command,
      Map<String, String> environment,
      Path workingDirectory,
      SignalForwarder signals)
      throws IOException {
    ServiceProcess service = start(name, command, environment, workingDirectory);
    service.registration =
        signals.register(
            (signal, immediately) -> {
              try {
                service.signal(
                    immediately ? ProcessGroupSignaller.KILL : ProcessGroupSignaller.TERM);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    return service;
  }

  /**
   * Starts a service process in its own process group.
   *
   * @param name what it is, for messages ("parameter server")
   * @param command the command, without a shell
   * @param environment its complete environment
   * @param workingDirectory its working directory
   * @return the running service
   * @throws IOException when it cannot be started
   */
  public static ServiceProcess start(
      String name, List<String> command, Map<String, String> environment, Path workingDirectory)
      throws IOException {
    List<String> argv = new ArrayList<>(Setsid.prefix());
    boolean ownGroup = !argv.isEmpty();
    argv.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(argv)
            .directory(workingDirectory.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().clear();
    builder.environment().putAll(environment);
    return new ServiceProcess(name, builder.start(), ownGroup);
  }

  /**
   * Returns what the service is.
   *
   * @return its name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the service's process id (its process group when it has its own).
   *
   * @return the pid
   */
  public long pid() {
    return process.pid();
  }

  /**
   * Returns whether the service still runs.
   *
   * @return true while it runs
   */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Stops the service: SIGTERM to its group, SIGKILL after the grace period, and waits for it.
   *
   * @param grace how long it may take to exit after SIGTERM
   * @throws InterruptedException when interrupted while waiting
   */
  public void stop(Duration grace) throws InterruptedException {
    registration.close();
    signal(ProcessGroupSignaller.TERM);
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      signal(ProcessGroupSignaller.KILL);
      process.waitFor();
    }
    // The group may hold children of the service that outlive it.
    if (ownGroup && signaller.hasRunningMembers(process.pid())) {
      signaller.signalGroup(process.pid(), ProcessGroupSignaller.KILL);
    }
  }

  @Override
  public void close() {
    try {
      stop(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void signal(String signal) throws InterruptedException {
    if (ownGroup && signaller.signalGroup(process.pid(), signal)) {
      return;
    }
    if (ProcessGroupSignaller.KILL.equals(signal)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    } else {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
    }
  }
}
