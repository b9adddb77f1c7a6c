package io.smtk.process.bench;

import io.smtk.process.LineTransformer;
import io.smtk.process.MpiRankTagRewriter;
import io.smtk.process.ProcessResult;
import io.smtk.process.ProcessRunner;
import io.smtk.process.ProcessSpec;
import io.smtk.process.SignalForwarder;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures how fast a child's output gets through {@link ProcessRunner} into a file, against the
 * same child writing straight to the file; a benchmark to run by hand, not a test.
 *
 * <p>Usage: {@code java -cp toolkit-core/target/classes:toolkit-core/target/test-classes
 * io.smtk.process.bench.LogThroughputBench [megabytes [lineLength]]}. Three child styles are timed:
 * one {@code write} per line (how training scripts log), blocks of many lines (the pipe and the
 * pump as the bottleneck), and lines with MPI rank tags that the runner rewrites with {@link
 * MpiRankTagRewriter} (the output grows by the added rank and host; MB/s counts the child's bytes).
 * The best of several rounds is reported.
 */
public final class LogThroughputBench {

  private static final String PYTHON = "/usr/bin/python3";
  private static final int ROUNDS = 3;
  private static final Map<String, String> ENVIRONMENT =
      Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8");

  private static final String TAG = "[1,3]<stdout>:";

  // argv: lines, line length, lines per write, line prefix.
  private static final String CHILD =
      "import sys\n"
          + "lines, length, per_write = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])\n"
          + "line = sys.argv[4] + 'x' * (length - 1 - len(sys.argv[4])) + '\\n'\n"
          + "block = line * per_write\n"
          + "write = sys.stdout.write\n"
          + "for _ in range(lines // per_write):\n"
          + "    write(block)\n"
          + "sys.stdout.flush()\n";

  private LogThroughputBench() {}

  /**
   * Runs the benchmark and prints the figures.
   *
   * @param args optional size in megabytes (default 200) and line length (default 100)
   * @throws Exception if a run fails
   */
  public static void main(String[] args) throws Exception {
    int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int lineLength = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    long lines = megabytes * 1_000_000L / lineLength;
    PrintStream report = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
    Path directory = Files.createTempDirectory("smtk-bench");
    try {
      report.printf(
          Locale.ROOT,
          "%d MB as %d lines of %d bytes, best of %d%n",
          megabytes,
          lines,
          lineLength,
          ROUNDS);
      String[] names = {"one write per line:", "1000 lines per write:", "MPI tags rewritten:"};
      int[] perWrites = {1, 1000, 1};
      for (int variant = 0; variant < names.length; variant++) {
        int perWrite = perWrites[variant];
        boolean tagged = variant == 2;
        double direct = 0;
        double runner = 0;
        for (int round = 0; round < ROUNDS; round++) {
          direct = Math.max(direct, direct(directory, lines, lineLength, perWrite, tagged));
          runner = Math.max(runner, throughRunner(directory, lines, lineLength, perWrite, tagged));
        }
        report.printf(
            Locale.ROOT,
            "%-22s direct %8.1f MB/s   through runner %8.1f MB/s   runner time / direct time"
                + " %.2f%n",
            names[variant],
            direct,
            runner,
            direct / runner);
      }
    } finally {
      for (String name : List.of("direct.log", "runner.log")) {
        Files.deleteIfExists(directory.resolve(name));
      }
      Files.deleteIfExists(directory);
    }
  }

  private static List<String> command(long lines, int lineLength, int perWrite, boolean tagged) {
    return List.of(
        PYTHON,
        "-c",
        CHILD,
        Long.toString(lines),
        Integer.toString(lineLength),
        Integer.toString(perWrite),
        tagged ? TAG : "");
  }

  private static double direct(
      Path directory, long lines, int lineLength, int perWrite, boolean tagged)
      throws IOException, InterruptedException {
    File file = directory.resolve("direct.log").toFile();
    ProcessBuilder builder =
        new ProcessBuilder(command(lines, lineLength, perWrite, tagged))
            .redirectOutput(file)
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().clear();
    builder.environment().putAll(ENVIRONMENT);
    long start = System.nanoTime();
    int exitCode = builder.start().waitFor();
    long nanos = System.nanoTime() - start;
    check(exitCode, file, lines * lineLength);
    return megabytesPerSecond(lines * lineLength, nanos);
  }

  private static double throughRunner(
      Path directory, long lines, int lineLength, int perWrite, boolean tagged)
      throws IOException, InterruptedException {
    File file = directory.resolve("runner.log").toFile();
    ProcessRunner runner = ProcessRunner.create(SignalForwarder.create());
    long nanos;
    int exitCode;
    try (OutputStream sink = new FileOutputStream(file)) {
      ProcessSpec spec =
          ProcessSpec.builder(command(lines, lineLength, perWrite, tagged), ENVIRONMENT)
              .stdout(sink)
              .stderr(sink)
              .lineTransformer(tagged ? MpiRankTagRewriter.of(8) : LineTransformer.identity())
              .build();
      long start = System.nanoTime();
      ProcessResult result = runner.run(spec);
      nanos = System.nanoTime() - start;
      exitCode = result.exitCode();
    }
    // "mpirank:" and ",algo-1" make each tagged line 15 bytes longer.
    check(exitCode, file, lines * (lineLength + (tagged ? 15 : 0)));
    return megabytesPerSecond(lines * lineLength, nanos);
  }

  private static void check(int exitCode, File file, long expectedBytes) {
    if (exitCode != 0 || file.length() != expectedBytes) {
      throw new IllegalStateException(
          "child failed: exit code "
              + exitCode
              + ", "
              + file.length()
              + " of "
              + expectedBytes
              + " bytes");
    }
  }

  private static double megabytesPerSecond(long bytes, long nanos) {
    return bytes / 1e6 / (nanos / 1e9);
  }
}
