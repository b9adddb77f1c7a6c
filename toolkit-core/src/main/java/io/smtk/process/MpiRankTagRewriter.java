package io.smtk.process;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Adds the MPI rank and host to the tags {@code mpirun --tag-output} puts on each line: {@code
 * [1,10]<stdout>:x} becomes {@code [1,mpirank:10,algo-2]<stdout>:x} with 8 processes per host.
 *
 * <p>The host number is {@code rank / processesPerHost + 1}; like the Python toolkit it assumes the
 * hosts are named {@code algo-1..N} and is only cosmetic. Unlike the Python toolkit, it accepts job
 * ids and ranks of any length, and it rewrites only the first tag of a line, so a tag-like text the
 * program prints later in the line stays as it is. The rest of the line is copied byte for byte.
 */
public final class MpiRankTagRewriter implements LineTransformer {

  private static final byte[] STDOUT = "<stdout>".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] STDERR = "<stderr>".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MPIRANK = ",mpirank:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ALGO = ",algo-".getBytes(StandardCharsets.US_ASCII);

  // long arithmetic is exact for up to 18 decimal digits.
  private static final int MAX_LONG_DIGITS = 18;

  private final int processesPerHost;

  private MpiRankTagRewriter(int processesPerHost) {
    this.processesPerHost = processesPerHost;
  }

  /**
   * Returns a rewriter for jobs running {@code processesPerHost} processes on each host.
   *
   * @param processesPerHost the number of ranks per host, at least 1
   * @return the rewriter
   * @throws IllegalArgumentException if {@code processesPerHost} is less than 1
   */
  public static MpiRankTagRewriter of(int processesPerHost) {
    if (processesPerHost < 1) {
      throw new IllegalArgumentException(
          "processesPerHost must be at least 1: " + processesPerHost);
    }
    return new MpiRankTagRewriter(processesPerHost);
  }

  @Override
  public byte[] transform(byte[] buffer, int offset, int length) {
    int end = offset + length;
    for (int open = offset; open < end; open++) {
      if (buffer[open] != '[') {
        continue;
      }
      int jobEnd = digitsEnd(buffer, open + 1, end);
      if (jobEnd == open + 1 || jobEnd >= end || buffer[jobEnd] != ',') {
        continue;
      }
      int rankStart = jobEnd + 1;
      int rankEnd = digitsEnd(buffer, rankStart, end);
      if (rankEnd == rankStart || rankEnd >= end || buffer[rankEnd] != ']') {
        continue;
      }
      int streamStart = rankEnd + 1;
      if (!startsWith(buffer, streamStart, end, STDOUT)
          && !startsWith(buffer, streamStart, end, STDERR)) {
        continue;
      }
      byte[] host =
          hostNumber(buffer, rankStart, rankEnd - rankStart).getBytes(StandardCharsets.US_ASCII);
      ByteArrayOutputStream line = new ByteArrayOutputStream(length + 32 + host.length);
      line.write(buffer, offset, jobEnd - offset); // everything up to and including "[job"
      line.write(MPIRANK, 0, MPIRANK.length);
      line.write(buffer, rankStart, rankEnd - rankStart);
      line.write(ALGO, 0, ALGO.length);
      line.write(host, 0, host.length);
      line.write(buffer, rankEnd, end - rankEnd); // "]<stdout>" and the rest of the line
      return line.toByteArray();
    }
    return null;
  }

  private String hostNumber(byte[] buffer, int start, int length) {
    String rank = new String(buffer, start, length, StandardCharsets.US_ASCII);
    if (length <= MAX_LONG_DIGITS) {
      return Long.toString(Long.parseLong(rank) / processesPerHost + 1);
    }
    return new BigInteger(rank)
        .divide(BigInteger.valueOf(processesPerHost))
        .add(BigInteger.ONE)
        .toString();
  }

  private static int digitsEnd(byte[] buffer, int from, int end) {
    int i = from;
    while (i < end && buffer[i] >= '0' && buffer[i] <= '9') {
      i++;
    }
    return i;
  }

  private static boolean startsWith(byte[] buffer, int from, int end, byte[] prefix) {
    if (end - from < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (buffer[from + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "MpiRankTagRewriter{processesPerHost=" + processesPerHost + "}";
  }
}
