package io.smtk.distributed.mpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtk.distributed.control.JobOutcome;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link MpiOutputMonitor}. */
class MpiOutputMonitorTest {

  private static final List<String> HOSTS = List.of("algo-1", "algo-2");

  private static byte[] transform(MpiOutputMonitor monitor, String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    byte[] out = monitor.transform(bytes, 0, bytes.length);
    return out == null ? bytes : out;
  }

  private static void feed(MpiOutputMonitor monitor, String... lines) {
    for (String line : lines) {
      transform(monitor, line);
    }
  }

  @Test
  void transform_taggedLine_rewritesTagWithRankAndHost() {
    MpiOutputMonitor monitor = new MpiOutputMonitor(HOSTS, 2);

    assertThat(new String(transform(monitor, "[1,3]<stdout>:hello"), StandardCharsets.UTF_8))
        .isEqualTo("[1,mpirank:3,algo-2]<stdout>:hello");
  }

  @Test
  void transform_lineSplitByMpirunChunks_dropsRepeatedOwnTag() {
    MpiOutputMonitor monitor = new MpiOutputMonitor(HOSTS, 1);

    assertThat(
            new String(
                transform(monitor, "[1,0]<stdout>:print line 0[1,0]<stdout>:"),
                StandardCharsets.UTF_8))
        .isEqualTo("[1,mpirank:0,algo-1]<stdout>:print line 0");
    // Rank 0's whole line lands between the pieces of rank 1's: each comes out whole, under its own
    // tag.
    assertThat(
            new String(
                transform(monitor, "[1,1]<stdout>:a[1,1]<stdout>:b[1,0]<stdout>:c"),
                StandardCharsets.UTF_8))
        .isEqualTo("[1,mpirank:0,algo-1]<stdout>:c");
    assertThat(new String(transform(monitor, "[1,1]<stdout>:"), StandardCharsets.UTF_8))
        .isEqualTo("[1,mpirank:1,algo-2]<stdout>:ab");
  }

  @Test
  void transform_untaggedLine_isKept() {
    MpiOutputMonitor monitor = new MpiOutputMonitor(HOSTS, 1);

    assertThat(monitor.transform("plain".getBytes(StandardCharsets.UTF_8), 0, 5)).isNull();
  }

  @Test
  void failure_mpi4pyAbort_blamesAbortingRankWithItsTraceback() {
    MpiOutputMonitor monitor = new MpiOutputMonitor(HOSTS, 1);
    feed(
        monitor,
        "[1,0]<stderr>:some warning",
        "[1,1]<stderr>:Traceback (most recent call last):",
        "[1,1]<stderr>:  File \"train.py\", line 3, in <module>",
        "[1,1]<stderr>:ValueError: rank 1 broke",
        "[1,0]<stdout>:still going",
        "--------------------------------------------------------------------------",
        "MPI_ABORT was invoked on rank 1 in communicator MPI_COMM_WORLD",
        "with errorcode 1.",
        "MPI_ABORT was invoked on rank 0 in communicator MPI_COMM_WORLD");

    JobOutcome outcome = monitor.failure(1, "mpirun tail");

    assertThat(outcome.failedRank()).isEqualTo(1);
    assertThat(outcome.failedHost()).isEqualTo("algo-2");
    assertThat(outcome.summary()).isEqualTo("rank 1 on algo-2 failed first with exit code 1");
    assertThat(outcome.errorText())
        .isEqualTo(
            "Traceback (most recent call last):\n  File \"train.py\", line 3, in <module>\n"
                + "ValueError: rank 1 broke");
    assertThat(outcome.exitCode()).isEqualTo(1);
  }

  @Test
  void failure_nonZeroExitReport_blamesNamedRankAndExitCode() {
    MpiOutputMonitor monitor = new MpiOutputMonitor(HOSTS, 2);
    feed(
        monitor,
        "[1,2]<stderr>:fatal: out of disk",
        "mpirun detected that one or more processes exited with non-zero status, thus causing",
        "the job to be terminated. The first process to do so was:",
        "",
        "  Process name: [[41953,1],2]",
        "  Exit code:    7");

    JobOutcome outcome = monitor.failure(7, "");

    assertThat(outcome.failedRank()).isEqualTo(2);
    assertThat(outcome.failedHost()).isEqualTo("algo-2");
    assertThat(outcome.summary()).isEqualTo("rank 2 on algo-2 failed first with exit code 7");
    assertThat(outcome.errorText()).isEqualTo("fatal: out of disk");
  }

  @Test
  void failure_killedBySignal_saysSignal() {
    MpiOutputMonitor monitor = new MpiOutputMonitor(HOSTS, 1);
    feed(
        monitor,
        "mpirun noticed that process rank 1 with PID 4242 on node algo-2 exited on signal 9 (Killed).");

    assertThat(monitor.failure(137, "tail").summary())
        .isEqualTo("rank 1 on algo-2 failed first, killed by signal 9 (Killed)");
  }

  @Test
  void failure_noRankNamed_usesFirstTracebackRank() {
    MpiOutputMonitor monitor = new MpiOutputMonitor(HOSTS, 1);
    feed(
        monitor, "[1,1]<stderr>:Traceback (most recent call last):", "[1,1]<stderr>:KeyError: 'x'");

    assertThat(monitor.failure(1, "").failedRank()).isEqualTo(1);
  }

  @Test
  void failure_lostDaemon_namesNode() {
    MpiOutputMonitor monitor = new MpiOutputMonitor(List.of("algo-1", "algo-2", "algo-3"), 1);
    feed(
        monitor,
        "ORTE has lost communication with a remote daemon.",
        "",
        "  HNP daemon   : [[39462,0],0] on node algo-1",
        "  Remote daemon: [[39462,0],2] on node algo-3");

    JobOutcome outcome = monitor.failure(1, "mpirun tail");

    assertThat(outcome.failedHost()).isEqualTo("algo-3");
    assertThat(outcome.failedRank()).isEqualTo(-1);
    assertThat(outcome.summary())
        .isEqualTo("mpirun lost its daemon on algo-3 and exited with code 1");
    assertThat(outcome.errorText()).isEqualTo("mpirun tail");
  }

  @Test
  void failure_nothingKnown_reportsMpirunExitAndTail() {
    MpiOutputMonitor monitor = new MpiOutputMonitor(HOSTS, 1);

    JobOutcome outcome = monitor.failure(2, "bad option");

    assertThat(outcome.summary()).isEqualTo("mpirun exited with code 2");
    assertThat(outcome.failedHost()).isEmpty();
    assertThat(outcome.errorText()).isEqualTo("bad option");
  }

  @Test
  void hostOf_rankBeyondHosts_isNull() {
    MpiOutputMonitor monitor = new MpiOutputMonitor(HOSTS, 2);

    assertThat(monitor.hostOf(3)).isEqualTo("algo-2");
    assertThat(monitor.hostOf(4)).isNull();
  }
}
