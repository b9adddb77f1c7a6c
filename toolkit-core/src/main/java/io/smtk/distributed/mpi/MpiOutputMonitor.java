package io.smtk.distributed.mpi;

import io.smtk.distributed.control.JobOutcome;
import io.smtk.process.LineTransformer;
import io.smtk.process.MpiRankTagRewriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches mpirun's output on its way to the job's log: rewrites the rank tags ({@link
 * MpiRankTagRewriter}), keeps the end of every rank's stderr, and reads mpirun's own reports of
 * which rank failed first, so that the failure file can name that rank and quote its traceback.
 *
 * <p>mpirun reports the first failure as {@code MPI_ABORT was invoked on rank N} (what {@code
 * python -m mpi4py} does on an uncaught exception) or as {@code Process name: [[job,1],N]} followed
 * by {@code Exit code: C} (a rank exiting non-zero); the first report wins. Called from two
 * threads.
 */
final class MpiOutputMonitor implements LineTransformer {

  static final String TRACEBACK_START = "Traceback (most recent call last):";

  private static final int MAX_LINE_CHARS = 2000;
  private static final int MAX_CHARS_PER_RANK = 32 * 1024;
  private static final int FALLBACK_LINES = 30;

  private static final Pattern TAG =
      Pattern.compile("^\\[\\d+,(\\d+)\\]<stderr>:(.*)$", Pattern.DOTALL);
  private static final Pattern ABORT = Pattern.compile("MPI_ABORT was invoked on rank (\\d+)");
  private static final Pattern ERRORCODE = Pattern.compile("^with errorcode (-?\\d+)");
  private static final Pattern PROCESS_NAME =
      Pattern.compile("Process name:\\s*\\[\\[\\d+,\\d+\\],(\\d+)\\]");
  private static final Pattern EXIT_CODE = Pattern.compile("^\\s*Exit code:\\s*(-?\\d+)");
  private static final Pattern SIGNAL = Pattern.compile("^\\s*Signal:\\s*(.+)$");
  private static final Pattern NOTICED_SIGNAL =
      Pattern.compile(
          "process rank (\\d+) with PID \\d+ on node \\S+ exited on signal (\\d+)(?: \\(([^)]*)\\))?");
  private static final Pattern LOST_NODE =
      Pattern.compile(
          "(?:Remote daemon|daemon on node|on node)\\s*:?\\s*(?:\\[\\[\\d+,\\d+\\],\\d+\\] on node )?(\\S+)");

  private final MpiRankTagRewriter rewriter;
  private final MpiLineJoiner joiner = new MpiLineJoiner();
  private final List<String> hosts;
  private final int processesPerHost;

  // All guarded by this.
  private final Map<Integer, RankTail> tails = new HashMap<>();
  private Integer firstFailedRank;
  private Integer failedExitCode;
  private String failedSignal;
  private Integer firstTracebackRank;
  private boolean lostDaemon;
  private String lostNode;
  private boolean expectErrorCode;
  private boolean expectExitCode;

  MpiOutputMonitor(List<String> hosts, int processesPerHost) {
    this.rewriter = MpiRankTagRewriter.of(processesPerHost);
    this.hosts = List.copyOf(hosts);
    this.processesPerHost = processesPerHost;
  }

  @Override
  public byte[] transform(byte[] buffer, int offset, int length) {
    byte[] joined = joiner.join(buffer, offset, length);
    if (joined != null) {
      buffer = joined;
      offset = 0;
      length = joined.length;
    }
    byte[] rewritten = rewriter.transform(buffer, offset, length);
    if (rewritten == null && joined != null) {
      rewritten = joined;
    }
    // Rank stdout is the bulk of the output and is not looked at; decode only the rest.
    if (length > 0
        && buffer[offset] == '['
        && rewritten != null
        && !isStderrTag(buffer, offset, length)) {
      return rewritten;
    }
    observe(
        new String(buffer, offset, Math.min(length, MAX_LINE_CHARS * 2), StandardCharsets.UTF_8));
    return rewritten;
  }

  private static boolean isStderrTag(byte[] buffer, int offset, int length) {
    int end = offset + Math.min(length, 64);
    for (int i = offset; i < end - 8; i++) {
      if (buffer[i] == ']') {
        return buffer[i + 1] == '<' && buffer[i + 4] == 'd' && buffer[i + 5] == 'e';
      }
    }
    return false;
  }

  /** Looks at one line (tests call it directly). */
  synchronized void observe(String line) {
    Matcher tagged = TAG.matcher(line);
    if (tagged.matches()) {
      int rank = Integer.parseInt(tagged.group(1));
      String text = tagged.group(2);
      tails.computeIfAbsent(rank, r -> new RankTail()).add(text);
      if (firstTracebackRank == null && text.startsWith(TRACEBACK_START)) {
        firstTracebackRank = rank;
      }
      return;
    }
    if (expectErrorCode) {
      expectErrorCode = false;
      Matcher code = ERRORCODE.matcher(line);
      if (code.find() && failedExitCode == null) {
        failedExitCode = Integer.parseInt(code.group(1));
      }
    }
    if (expectExitCode) {
      Matcher code = EXIT_CODE.matcher(line);
      Matcher signal = SIGNAL.matcher(line);
      if (code.find()) {
        expectExitCode = false;
        if (failedExitCode == null) {
          failedExitCode = Integer.parseInt(code.group(1));
        }
      } else if (signal.find()) {
        expectExitCode = false;
        failedSignal = signal.group(1).strip();
      }
    }
    Matcher abort = ABORT.matcher(line);
    if (abort.find()) {
      if (firstFailedRank == null) {
        firstFailedRank = Integer.parseInt(abort.group(1));
        expectErrorCode = true;
      }
      return;
    }
    Matcher noticed = NOTICED_SIGNAL.matcher(line);
    if (noticed.find()) {
      if (firstFailedRank == null) {
        firstFailedRank = Integer.parseInt(noticed.group(1));
        failedSignal =
            noticed.group(2) + (noticed.group(3) == null ? "" : " (" + noticed.group(3) + ")");
      }
      return;
    }
    Matcher name = PROCESS_NAME.matcher(line);
    if (name.find()) {
      if (firstFailedRank == null) {
        firstFailedRank = Integer.parseInt(name.group(1));
        expectExitCode = true;
      }
      return;
    }
    if (line.contains("lost communication with a remote daemon")
        || line.contains("daemon died unexpectedly")
        || line.contains("ORTE does not know how to route a message")) {
      lostDaemon = true;
    }
    if (lostDaemon && lostNode == null && line.contains("Remote daemon")) {
      Matcher node = LOST_NODE.matcher(line);
      if (node.find()) {
        lostNode = node.group(1);
      }
    }
  }

  /**
   * Returns the host of a rank under {@code -map-by slot}: ranks fill each host in turn.
   *
   * @param rank the MPI rank
   * @return the host, or null when the rank is out of range
   */
  String hostOf(int rank) {
    int index = rank / processesPerHost;
    return rank >= 0 && index < hosts.size() ? hosts.get(index) : null;
  }

  /**
   * Returns the rank that failed first: the one mpirun named, else the first that printed a
   * traceback.
   *
   * @return the rank, or null when nothing says
   */
  synchronized Integer failedRank() {
    return firstFailedRank != null ? firstFailedRank : firstTracebackRank;
  }

  /**
   * Returns the host whose daemon mpirun lost, when it reported one.
   *
   * @return the host, or null
   */
  synchronized String lostNode() {
    return lostDaemon ? (lostNode == null ? "" : lostNode) : null;
  }

  /**
   * Builds the failure description of a failed mpirun: who failed first and that rank's error text.
   *
   * @param mpirunExitCode mpirun's exit status
   * @param mpirunErrorText the tail of mpirun's own output, used when no rank can be blamed
   * @return the outcome
   */
  synchronized JobOutcome failure(int mpirunExitCode, String mpirunErrorText) {
    Integer rank = failedRank();
    if (rank == null) {
      String node = lostNode();
      String summary =
          node == null
              ? "mpirun exited with code " + mpirunExitCode
              : "mpirun lost its daemon"
                  + (node.isEmpty() ? "" : " on " + node)
                  + " and exited with code "
                  + mpirunExitCode;
      return new JobOutcome(mpirunExitCode, node == null ? "" : node, -1, summary, mpirunErrorText);
    }
    String host = hostOf(rank);
    int code = failedExitCode != null ? failedExitCode : mpirunExitCode;
    String how =
        failedSignal != null ? ", killed by signal " + failedSignal : " with exit code " + code;
    String summary = "rank " + rank + (host == null ? "" : " on " + host) + " failed first" + how;
    RankTail tail = tails.get(rank);
    String text = tail == null ? "" : tail.errorText();
    if (text.isEmpty()) {
      text = mpirunErrorText;
    }
    return new JobOutcome(mpirunExitCode, host == null ? "" : host, rank, summary, text);
  }

  /** The end of one rank's stderr. */
  private static final class RankTail {
    private final Deque<String> lines = new ArrayDeque<>();
    private int chars;

    void add(String line) {
      String kept = line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "…" : line;
      lines.addLast(kept);
      chars += kept.length() + 1;
      while (chars > MAX_CHARS_PER_RANK && lines.size() > 1) {
        chars -= lines.removeFirst().length() + 1;
      }
    }

    /** From the last traceback to the end, else the last lines. */
    String errorText() {
      List<String> all = List.copyOf(lines);
      int start = -1;
      for (int i = all.size() - 1; i >= 0; i--) {
        if (all.get(i).startsWith(TRACEBACK_START)) {
          start = i;
          break;
        }
      }
      if (start < 0) {
        start = Math.max(0, all.size() - FALLBACK_LINES);
      }
      return String.join("\n", all.subList(start, all.size())).strip();
    }
  }
}
