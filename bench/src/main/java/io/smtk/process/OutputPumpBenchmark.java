package io.smtk.process;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The output pump on 16 MiB of a child's output, without the pipe: whole lines of 100 bytes
 * (training logs), 1 MiB lines (a pump that must grow its buffer), and 100-byte lines with MPI rank
 * tags rewritten. The input arrives in 64 KiB reads, as from a pipe; the sink counts bytes.
 * Throughput is the bytes of one operation over its time ({@code bench/jmh.sh} prints MB/s).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class OutputPumpBenchmark {

  static final int TOTAL_BYTES = 16 << 20;

  @Param({"100", "1048576"})
  public int lineLength;

  private byte[] plain;
  private byte[] tagged;

  @Setup(Level.Trial)
  public void setUp() {
    plain = lines(lineLength, "");
    tagged = lines(lineLength, "[1,3]<stdout>:");
  }

  private static byte[] lines(int length, String prefix) {
    byte[] bytes = new byte[TOTAL_BYTES];
    for (int i = 0; i < bytes.length; i++) {
      int column = i % length;
      bytes[i] =
          column == length - 1
              ? (byte) '\n'
              : column < prefix.length() ? (byte) prefix.charAt(column) : (byte) 'x';
    }
    return bytes;
  }

  @Benchmark
  public long wholeLines(Blackhole sink) {
    return pump(plain, OutputPump.IDENTITY, sink);
  }

  @Benchmark
  public long mpiRankTags(Blackhole sink) {
    return pump(tagged, MpiRankTagRewriter.of(8), sink);
  }

  private static long pump(byte[] input, LineTransformer transformer, Blackhole blackhole) {
    CountingSink sink = new CountingSink(blackhole);
    new OutputPump(new PipeReads(input), sink, sink, transformer, new ErrorTail()).run();
    return sink.bytes;
  }

  /** Hands out at most 64 KiB per read, as a pipe does. */
  private static final class PipeReads extends ByteArrayInputStream {
    PipeReads(byte[] bytes) {
      super(bytes);
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      return super.read(b, off, Math.min(len, OutputPump.READ_SIZE));
    }
  }

  private static final class CountingSink extends OutputStream {
    private final Blackhole blackhole;
    private long bytes;

    CountingSink(Blackhole blackhole) {
      this.blackhole = blackhole;
    }

    @Override
    public void write(int b) {
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      blackhole.consume(b);
      bytes += len;
    }
  }
}
