package io.smtk.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs a user process without a shell, in its own process group, streaming its output in whole
 * lines and stopping the whole group when the toolkit is told to stop.
 *
 * <p>The command is prefixed with {@code setsid} when the system has it. util-linux {@code setsid}
 * does not fork when its caller is not a process group leader, which a child of the JVM never is,
 * so the process Java holds is the user's process, and its pid is its process group id. Signals
 * then reach every process the user's process started (unless one moved to a group of its own), and
 * after the user's process exits, whatever it left running in its group is stopped too. Without
 * {@code setsid} (a minimal image) the runner signals the process and its descendants one by one
 * and cannot find processes orphaned by an exited parent.
 *
 * <p>Because {@code setsid} executes the command, a program name without a {@code /} is looked up
 * in the {@code PATH} of the spec's environment, and a program that cannot be run is reported like
 * a shell does: exit code 127 (not found) or 126, with {@code setsid}'s message on stderr.
 */
public final class ProcessRunner {

  private static final long POLL_MILLIS = 100;
  private static final long GROUP_POLL_MILLIS = 20;

  /** How long to wait for the output of processes that escaped the group after all else ended. */
  static final Duration PUMP_DRAIN_TIMEOUT = Duration.ofSeconds(10);

  private static final File DEV_NULL = new File("/dev/null");

  private final Function<List<String>, ProcessBuilder> processBuilderFactory;
  private final SignalForwarder signalForwarder;
  private final ProcessGroupSignaller signaller;
  private final List<String> setsidPrefix;
  private final Charset argumentCharset;

  ProcessRunner(
      Function<List<String>, ProcessBuilder> processBuilderFactory,
      SignalForwarder signalForwarder,
      ProcessGroupSignaller signaller,
      List<String> setsidPrefix,
      Charset argumentCharset) {
    this.processBuilderFactory = processBuilderFactory;
    this.signalForwarder = signalForwarder;
    this.signaller = signaller;
    this.setsidPrefix = List.copyOf(setsidPrefix);
    this.argumentCharset = argumentCharset;
  }

  /**
   * Returns a runner whose processes receive the stop signals of {@link SignalForwarder#global()}.
   *
   * @return the runner
   */
  public static ProcessRunner create() {
    return create(SignalForwarder.global());
  }

  /**
   * Returns a runner whose processes receive the stop signals of {@code signalForwarder}.
   *
   * @param signalForwarder forwards stop requests to the running process
   * @return the runner
   */
  public static ProcessRunner create(SignalForwarder signalForwarder) {
    return new ProcessRunner(
        ProcessBuilder::new,
        Objects.requireNonNull(signalForwarder, "signalForwarder"),
        ProcessGroupSignaller.create(),
        Setsid.prefix(),
        jvmArgumentCharset());
  }

  /**
   * Sets up the JDK's process machinery now (its native part, the reaper's executor, the launcher's
   * settings, and since Java 21 its logger: 10 to 40 ms the first time, on the main thread
   * otherwise at the job's first process), so that a thread started early can do it while the main
   * thread reads the job. Starts nothing.
   */
  public static void prepare() {
    if (Runtime.version().feature() >= 21) {
      // Newer Javas log process starts: ProcessBuilder.start asks System.getLogger for its logger
      // (seen on 25, not on 17), and the first such call looks for a logging back end through every
      // jar on the class path; the logger's first level check, right after the process started,
      // then sets java.util.logging up (its configuration file, its loggers: ~10 ms on 25, on the
      // thread that waits for the job). Done from 21 on, an assumption: where the JDK does not ask,
      // the calls only cost the other core a few milliseconds.
      System.getLogger(ProcessBuilder.class.getName()).isLoggable(System.Logger.Level.DEBUG);
    }
    ProcessHandle.current();
    try {
      Class.forName("java.lang.ProcessImpl", true, ProcessBuilder.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
    new CompletableFuture<Void>().complete(null);
  }

  /**
   * Runs the process of {@code spec} to its end and returns how it ended.
   *
   * <p>The call returns once the process has exited, the processes it left in its group are gone
   * (after SIGTERM and, past {@link ProcessSpec#leftoverGrace()}, SIGKILL) and its output is
   * written. If the signal forwarder already received a stop signal, the process is not started and
   * the result reports exit code 128 + that signal.
   *
   * @param spec what to run
   * @return the result, whatever the exit code
   * @throws IOException if the process cannot be started, the command or environment cannot be
   *     encoded for it, or its output could not be written to the spec's streams (the process was
   *     still run to its end)
   * @throws InterruptedException if the calling thread is interrupted; the process group is killed
   */
  public ProcessResult run(ProcessSpec spec) throws IOException, InterruptedException {
    OptionalInt alreadyStopped = signalForwarder.receivedSignal();
    if (alreadyStopped.isPresent()) {
      int signal = alreadyStopped.getAsInt();
      return new ProcessResult(spec.command(), Signal.exitCode(signal), signal, "");
    }
    checkEncodable(spec);

    Process process = start(spec);

    Running running = new Running(process, !setsidPrefix.isEmpty(), spec.stopGrace());
    // One lock for both streams, so their lines never mix; the stdout stream's monitor, so other
    // writers to it (PrintStream synchronizes on itself) stay out of our lines too.
    Object lock = spec.stdout();
    ErrorTail stdoutTail = new ErrorTail();
    ErrorTail stderrTail = new ErrorTail();
    OutputPump stdoutPump =
        new OutputPump(
            process.getInputStream(), spec.stdout(), lock, spec.lineTransformer(), stdoutTail);
    OutputPump stderrPump =
        new OutputPump(
            process.getErrorStream(), spec.stderr(), lock, spec.lineTransformer(), stderrTail);
    Thread stdoutThread = startDaemon("smtk-process-" + process.pid() + "-stdout", stdoutPump);
    Thread stderrThread = startDaemon("smtk-process-" + process.pid() + "-stderr", stderrPump);

    boolean ended = false;
    SignalForwarder.Registration registration = signalForwarder.register(running);
    try {
      while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        running.killIfDue();
      }
      running.cleanUpGroup(spec.leftoverGrace());
      ended = true;
    } finally {
      registration.close();
      if (!ended) {
        running.kill(); // interrupted: leave nothing running behind
      }
    }
    long drainDeadline = System.nanoTime() + PUMP_DRAIN_TIMEOUT.toNanos();
    join(stdoutThread, drainDeadline);
    join(stderrThread, drainDeadline);

    ProcessResult result =
        new ProcessResult(
            spec.command(),
            process.exitValue(),
            running.stopSignal(),
            ErrorTail.errorText(stderrTail, stdoutTail));
    for (OutputPump pump : List.of(stdoutPump, stderrPump)) {
      Exception failure = pump.failure();
      if (failure != null) {
        throw new IOException(
            "could not pass on the output of "
                + spec.command()
                + " (it ended with exit code "
                + result.exitCode()
                + "): "
                + failure,
            failure);
      }
    }
    return result;
  }

  private Process start(ProcessSpec spec) throws IOException {
    List<String> argv = new ArrayList<>(setsidPrefix);
    argv.addAll(spec.command());
    ProcessBuilder builder = processBuilderFactory.apply(argv);
    Map<String, String> environment = builder.environment();
    environment.clear();
    environment.putAll(spec.environment());
    builder
        .directory(spec.workingDirectory().toFile())
        .redirectInput(
            spec.inheritStdin()
                ? ProcessBuilder.Redirect.INHERIT
                : ProcessBuilder.Redirect.from(DEV_NULL))
        .redirectOutput(ProcessBuilder.Redirect.PIPE)
        .redirectError(ProcessBuilder.Redirect.PIPE)
        .redirectErrorStream(false);
    try {
      return builder.start();
    } catch (IOException e) {
      // The cause first: the whole command can be long enough (E2BIG) to bury it.
      throw new IOException("could not start " + spec.command().get(0) + ": " + e.getMessage(), e);
    }
  }

  private void checkEncodable(ProcessSpec spec) throws IOException {
    if (argumentCharset.equals(StandardCharsets.UTF_8)) {
      return;
    }
    // Java encodes arguments and the environment with sun.jnu.encoding, which follows the locale;
    // under LANG=C (often the case in containers) it would silently turn non-ASCII text into '?'.
    CharsetEncoder encoder = argumentCharset.newEncoder();
    List<String> command = spec.command();
    for (int i = 0; i < command.size(); i++) {
      if (!encoder.canEncode(command.get(i))) {
        throw unencodable("argument " + i + " ('" + command.get(i) + "')");
      }
    }
    for (Map.Entry<String, String> variable : spec.environment().entrySet()) {
      if (!encoder.canEncode(variable.getKey()) || !encoder.canEncode(variable.getValue())) {
        throw unencodable("environment variable " + variable.getKey());
      }
    }
  }

  private IOException unencodable(String what) {
    return new IOException(
        "cannot pass "
            + what
            + " to the user process: this JVM encodes arguments and environment variables as "
            + argumentCharset.name()
            + " (sun.jnu.encoding, taken from the locale), which cannot represent it, perhaps you"
            + " should run the toolkit with a UTF-8 locale such as LANG=C.UTF-8");
  }

  private static Thread startDaemon(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    // Daemon: a pump blocked on a pipe held open by an escaped process must not keep the JVM up.
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void join(Thread thread, long deadlineNanos) throws InterruptedException {
    long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    if (remainingMillis > 0) {
      thread.join(remainingMillis);
    }
    // Still alive: a process outside the group holds the pipe open. Give up on the rest of its
    // output rather than wait for a process we cannot stop.
  }

  private static Charset jvmArgumentCharset() {
    String name = System.getProperty("sun.jnu.encoding");
    try {
      return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
    } catch (IllegalArgumentException e) {
      return StandardCharsets.UTF_8;
    }
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2; // centuries: never, without overflowing nanoTime arithmetic
    }
  }

  /** The running process as the signal forwarder and the waiting thread see it. */
  private final class Running implements SignalForwarder.Target {
    private final Process process;
    private final long pid;
    private final boolean ownGroup;
    private final Duration stopGrace;

    // All guarded by this.
    private int stopSignal;
    private boolean termSent;
    private boolean killSent;
    private long killAtNanos;

    Running(Process process, boolean ownGroup, Duration stopGrace) {
      this.process = process;
      this.pid = process.pid();
      this.ownGroup = ownGroup;
      this.stopGrace = stopGrace;
    }

    @Override
    public synchronized void stop(int signal, boolean immediately) {
      if (stopSignal == 0) {
        stopSignal = signal;
      }
      if (immediately) {
        kill();
      } else {
        terminate(stopGrace);
      }
    }

    synchronized int stopSignal() {
      return stopSignal;
    }

    /** Sends SIGKILL once the grace period after SIGTERM has passed. */
    synchronized void killIfDue() {
      if (termSent && !killSent && System.nanoTime() - killAtNanos >= 0) {
        kill();
      }
    }

    synchronized void kill() {
      if (!killSent) {
        killSent = true;
        signalTree(ProcessGroupSignaller.KILL);
      }
    }

    /** Sends SIGTERM unless already sent, and SIGKILL {@code grace} later. */
    private synchronized void terminate(Duration grace) {
      if (!termSent) {
        termSent = true;
        killAtNanos = System.nanoTime() + saturatedNanos(grace);
        signalTree(ProcessGroupSignaller.TERM);
      }
    }

    /**
     * Stops what the exited process left running in its group: SIGTERM, then SIGKILL after the
     * grace period (or what remains of the stop grace period if the toolkit stopped the process).
     */
    void cleanUpGroup(Duration leftoverGrace) throws InterruptedException {
      if (!ownGroup || !signaller.hasRunningMembers(pid)) {
        return;
      }
      terminate(leftoverGrace);
      while (signaller.hasRunningMembers(pid)) {
        synchronized (this) {
          if (killSent) {
            return; // SIGKILL cannot be ignored; the pumps see the pipes close when they die
          }
        }
        killIfDue();
        Thread.sleep(GROUP_POLL_MILLIS);
      }
    }

    private void signalTree(String signal) {
      boolean toGroup = false;
      if (ownGroup) {
        try {
          toGroup = signaller.signalGroup(pid, signal);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      // Without the group (no setsid, setsid has not run yet, no kill program), or for processes
      // that left it: signal the processes we can see, one by one.
      List<ProcessHandle> tree = new ArrayList<>();
      process.toHandle().descendants().forEach(tree::add);
      if (!toGroup) {
        tree.add(process.toHandle());
      }
      for (ProcessHandle handle : tree) {
        if (toGroup) {
          OptionalLong group = signaller.processGroupOf(handle.pid());
          if (group.isEmpty() || group.getAsLong() == pid) {
            continue; // already signalled with the group, or gone
          }
        }
        if (signal.equals(ProcessGroupSignaller.KILL)) {
          handle.destroyForcibly();
        } else {
          handle.destroy();
        }
      }
    }
  }
}
