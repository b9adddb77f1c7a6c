package io.smtk.process;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Sends signals to a whole process group and tells whether any of its processes still runs.
 *
 * <p>Java can signal single processes only (SIGTERM or SIGKILL), so a group is signalled through
 * the {@code kill} program: {@code kill -s TERM -- -PGID}. Liveness is read from {@code /proc},
 * which, unlike {@code kill -0}, can tell a running process from a zombie waiting to be reaped:
 * when the toolkit is PID 1 nobody reaps the orphans of the user's process.
 */
final class ProcessGroupSignaller {

  static final String TERM = "TERM";
  static final String KILL = "KILL";

  private static final long KILL_COMMAND_TIMEOUT_SECONDS = 10;

  // A stat line is a few hundred bytes; the fields read here come right after the short comm.
  private static final int STAT_BUFFER_BYTES = 1024;

  private final String killProgram;
  private final Path proc;

  private ProcessGroupSignaller(String killProgram, Path proc) {
    this.killProgram = killProgram;
    this.proc = proc;
  }

  /** Returns a signaller using {@code /bin/kill} or {@code /usr/bin/kill}, else {@code kill}. */
  static ProcessGroupSignaller create() {
    String killProgram = "kill"; // found on the JVM's PATH by ProcessBuilder, if at all
    for (String candidate : List.of("/bin/kill", "/usr/bin/kill")) {
      if (new File(candidate).canExecute()) {
        killProgram = candidate;
        break;
      }
    }
    return new ProcessGroupSignaller(killProgram, Path.of("/proc"));
  }

  /**
   * Sends {@code signal} to every process of group {@code pgid}.
   *
   * @return true if {@code kill} reported success; false if the group does not exist or {@code
   *     kill} could not be run
   */
  boolean signalGroup(long pgid, String signal) throws InterruptedException {
    if (pgid <= 1) {
      // -1 would mean every process we may signal, 0 our own group.
      throw new IllegalArgumentException("not a process group of a child: " + pgid);
    }
    ProcessBuilder builder =
        new ProcessBuilder(killProgram, "-s", signal, "--", "-" + pgid)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    Process kill;
    try {
      kill = builder.start();
    } catch (IOException e) {
      return false;
    }
    if (!kill.waitFor(KILL_COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      kill.destroyForcibly();
      return false;
    }
    return kill.exitValue() == 0;
  }

  /**
   * Returns the process group of process {@code pid}, read from {@code /proc}.
   *
   * @return the group id, or empty if the process is gone or {@code /proc} cannot be read
   */
  OptionalLong processGroupOf(long pid) {
    long[] stat = readStat(proc + "/" + pid + "/stat", new byte[STAT_BUFFER_BYTES]);
    return stat == null ? OptionalLong.empty() : OptionalLong.of(stat[1]);
  }

  /**
   * Tells whether a process of group {@code pgid} still runs; zombies do not count.
   *
   * @return true if one runs, or if {@code /proc} cannot be read and {@code kill -0} finds the
   *     group
   */
  boolean hasRunningMembers(long pgid) throws InterruptedException {
    if (!Files.isDirectory(proc.resolve("self"))) {
      return signalGroup(pgid, "0");
    }
    // Every job's exit waits for this scan: names as strings and one reused buffer, no Path, String
    // or regular expression per process (a Files.readString per entry cost 15 ms on a busy host).
    String[] names = proc.toFile().list();
    if (names == null) {
      return signalGroup(pgid, "0");
    }
    String root = proc.toString();
    byte[] buffer = new byte[STAT_BUFFER_BYTES];
    for (String name : names) {
      if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
        continue;
      }
      long[] stat = readStat(root + "/" + name + "/stat", buffer);
      if (stat != null && stat[1] == pgid && stat[0] != 'Z' && stat[0] != 'X') {
        return true;
      }
    }
    return false;
  }

  /** Returns {state, pgrp} from a {@code /proc/<pid>/stat} file, or null if it cannot be read. */
  private static long[] readStat(String statFile, byte[] buffer) {
    int length = 0;
    try (FileInputStream in = new FileInputStream(statFile)) {
      int read;
      while (length < buffer.length
          && (read = in.read(buffer, length, buffer.length - length)) > 0) {
        length += read;
      }
    } catch (IOException e) {
      return null; // the process has gone
    }
    // "pid (comm) state ppid pgrp ...": comm may contain spaces and parentheses; skip past it.
    int at = length - 1;
    while (at >= 0 && buffer[at] != ')') {
      at--;
    }
    if (at < 0) {
      return null;
    }
    at = skipSpaces(buffer, at + 1, length);
    if (at >= length) {
      return null;
    }
    long state = buffer[at];
    at = skipSpaces(buffer, skipField(buffer, at, length), length); // the state
    at = skipSpaces(buffer, skipField(buffer, at, length), length); // ppid
    long pgrp = 0;
    int digits = 0;
    for (; at < length && buffer[at] >= '0' && buffer[at] <= '9'; at++, digits++) {
      pgrp = pgrp * 10 + (buffer[at] - '0');
    }
    return digits == 0 ? null : new long[] {state, pgrp};
  }

  private static int skipField(byte[] buffer, int from, int length) {
    int at = from;
    while (at < length && buffer[at] != ' ') {
      at++;
    }
    return at;
  }

  private static int skipSpaces(byte[] buffer, int from, int length) {
    int at = from;
    while (at < length && buffer[at] == ' ') {
      at++;
    }
    return at;
  }
}
