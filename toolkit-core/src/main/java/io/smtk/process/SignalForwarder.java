package io.smtk.process;

import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Forwards the stop signals the toolkit receives (SIGTERM, SIGINT) to the user processes running at
 * that moment, as SIGTERM to their whole process group.
 *
 * <p>Without handlers, the JVM answers SIGTERM by running its shutdown hooks and exiting with 143,
 * leaving the user's processes running without a chance to save a checkpoint. {@link #install()}
 * replaces that: the JVM keeps running, each running process gets SIGTERM and, after its grace
 * period, SIGKILL, and {@link ProcessRunner#run} returns a result that says the process was
 * stopped, so the caller can report it and exit with 128 + the signal.
 *
 * <p>The handlers are installed once; they forward to whatever runs when a signal arrives. A stop
 * request is remembered: a run asked for afterwards does not start its process. A second signal
 * kills the running processes at once (SIGKILL), like a second Ctrl-C.
 */
public final class SignalForwarder implements StopCheck {

  /** SIGINT on Linux. */
  public static final int SIGINT = Signal.INT.number();

  /** SIGTERM on Linux. */
  public static final int SIGTERM = Signal.TERM.number();

  private static final SignalForwarder GLOBAL = new SignalForwarder();

  /** Something running that a stop signal must reach. */
  interface Target {
    /**
     * Stops the target: SIGTERM first, SIGKILL after the grace period, or SIGKILL now if {@code
     * immediately}.
     */
    void stop(int signal, boolean immediately);
  }

  /** Ends a {@link #register registration}. */
  interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  private final Set<Target> targets = new LinkedHashSet<>();
  // The thread of installInBackground() until a caller has waited for it.
  private volatile Thread installer;
  // What the background installation threw, rethrown by the first caller that waits for it.
  private volatile Error installFailure;
  private int receivedSignal; // guarded by this
  private int signalCount; // guarded by this

  private SignalForwarder() {}

  /**
   * Returns the forwarder of this JVM, the one {@link ProcessRunner#create()} uses.
   *
   * @return the process-wide forwarder; its handlers are installed only by {@link #install()}
   */
  public static SignalForwarder global() {
    return GLOBAL;
  }

  /**
   * Returns a new forwarder with no handlers, for tests and for callers that deliver stop requests
   * themselves through {@link #forward(int)}.
   *
   * @return a new forwarder
   */
  public static SignalForwarder create() {
    return new SignalForwarder();
  }

  /**
   * Installs JVM handlers for SIGTERM and SIGINT that call {@link #forward(int)} on this forwarder,
   * replacing any handlers installed before; call it once, early in {@code main}.
   *
   * <p>A signal the JVM keeps for itself (for example with {@code -Xrs}) is left alone, and nothing
   * is installed on a runtime without the {@code jdk.unsupported} module.
   *
   * @return the names of the signals now handled, {@code TERM} and {@code INT} when all went well
   */
  public Set<String> install() {
    Set<String> installed = new LinkedHashSet<>();
    // sun.misc.Signal is reached by reflection: javac's "internal proprietary API" warning cannot
    // be suppressed, and a jlinked runtime may lack jdk.unsupported; then this returns nothing.
    // The handler is made with LambdaMetafactory, not a java.lang.reflect.Proxy: a proxy class is
    // generated into a dynamic module, which cost about 20 ms of every job's start-up.
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Constructor<?> newSignal = signalClass.getConstructor(String.class);
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      Method getNumber = signalClass.getMethod("getNumber");
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      MethodHandle onSignal =
          lookup.findVirtual(
              SignalForwarder.class,
              "onSignal",
              MethodType.methodType(void.class, Method.class, Object.class));
      Object handler =
          LambdaMetafactory.metafactory(
                  lookup,
                  "handle",
                  MethodType.methodType(handlerClass, SignalForwarder.class, Method.class),
                  MethodType.methodType(void.class, signalClass),
                  onSignal,
                  MethodType.methodType(void.class, signalClass))
              .getTarget()
              .invoke(this, getNumber);
      for (String name : List.of("TERM", "INT")) {
        try {
          handle.invoke(null, newSignal.newInstance(name), handler);
          installed.add(name);
        } catch (InvocationTargetException e) {
          // IllegalArgumentException: the JVM uses this signal itself; leave it alone.
        }
      }
    } catch (Error e) {
      throw e;
    } catch (Throwable e) {
      // No sun.misc.Signal here: signals keep their default effect.
    }
    return installed;
  }

  /**
   * Installs the handlers as {@link #install()} does, on a background thread: it takes a few
   * milliseconds (reflection and a generated handler class) that the job's start-up need not wait
   * for. Nothing is started unprotected: {@link #receivedSignal()}, which {@link ProcessRunner}
   * asks before it starts a process, and every registration wait for the installation to end. A
   * signal that arrives before then has the JVM's default effect, as during the JVM's own start.
   */
  public void installInBackground() {
    Thread thread = new Thread(new Installer(), "smtk-signal-handlers");
    thread.setDaemon(true);
    installer = thread;
    thread.start();
  }

  /**
   * The background installation; a named class, not a lambda, because it starts in the first
   * milliseconds of a job, before another thread has set up java.lang.invoke.
   */
  private final class Installer implements Runnable {
    @Override
    public void run() {
      try {
        install();
      } catch (Error e) {
        installFailure = e;
      }
    }
  }

  private void awaitInstallation() {
    Thread thread = installer;
    if (thread == null || thread == Thread.currentThread()) {
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    installer = null;
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Error failure = installFailure;
    if (failure != null) {
      // As loud as when install() ran on the caller's thread: a job without handlers would end on
      // SIGTERM with no failure file and its processes not told.
      installFailure = null;
      throw failure;
    }
  }

  /** What the installed handler calls with the {@code sun.misc.Signal} it received. */
  @SuppressWarnings("UnusedMethod") // called through the MethodHandle that install() looks up
  private void onSignal(Method getNumber, Object signal) {
    try {
      forward((Integer) getNumber.invoke(signal));
    } catch (ReflectiveOperationException e) {
      forward(SIGTERM); // cannot happen: getNumber is public and takes no arguments
    }
  }

  /**
   * Stops every process running through this forwarder, as if the toolkit had received {@code
   * signal}: the first call sends SIGTERM to each process group (SIGKILL follows after the grace
   * period), a later call sends SIGKILL at once. The request is remembered for runs that have not
   * started yet.
   *
   * @param signal the signal the toolkit received, such as {@link #SIGTERM}; reported in {@link
   *     ProcessResult#stopSignal()}
   * @throws IllegalArgumentException if {@code signal} is not in 1..64
   */
  public void forward(int signal) {
    if (signal < 1 || signal > 64) {
      throw new IllegalArgumentException("not a signal number: " + signal);
    }
    List<Target> running;
    int first;
    boolean immediately;
    synchronized (this) {
      if (receivedSignal == 0) {
        receivedSignal = signal;
      }
      first = receivedSignal;
      signalCount++;
      immediately = signalCount > 1;
      running = new ArrayList<>(targets);
    }
    // Outside the lock: stopping runs the kill program, and a run may be registering meanwhile.
    for (Target target : running) {
      target.stop(first, immediately);
    }
  }

  /**
   * Returns the first stop signal this forwarder received.
   *
   * @return the signal number, or empty if none arrived
   */
  public OptionalInt receivedSignal() {
    awaitInstallation();
    synchronized (this) {
      return receivedSignal == 0 ? OptionalInt.empty() : OptionalInt.of(receivedSignal);
    }
  }

  /**
   * Throws when a stop signal arrived: the one question "was a stop requested?" every step between
   * processes asks (downloads, unpacking, installs, waits).
   *
   * @param detail what was going on, for the failure reason, or ""
   * @throws TrainingStoppedException when a stop signal arrived
   */
  @Override
  public void checkStopped(String detail) throws TrainingStoppedException {
    OptionalInt signal = receivedSignal();
    if (signal.isPresent()) {
      throw new TrainingStoppedException(signal.getAsInt(), detail);
    }
  }

  /**
   * Adds {@code target} to the processes that stop signals reach; if a signal already arrived, the
   * target is stopped at once.
   */
  Registration register(Target target) {
    awaitInstallation();
    int signal;
    synchronized (this) {
      targets.add(target);
      signal = receivedSignal;
    }
    if (signal != 0) {
      target.stop(signal, false);
    }
    return () -> {
      synchronized (this) {
        targets.remove(target);
      }
    };
  }
}
